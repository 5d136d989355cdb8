// Package sink moves messages from JetStream into ClickHouse: durable pull
// consumers on CW_EVENTS, CW_SCORES and CW_DLQ, one batch per table flushed
// at a row count or an age, insert then ack. A message that cannot be
// decoded or validated is terminated and recorded in cw.dlq.sink (and from
// there in dead_letters); a batch ClickHouse refuses is redelivered later.
package sink

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/lifecycle"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Bus is what the sink needs of NATS.
type Bus interface {
	JetStream() jetstream.JetStream
}

// Store is what the sink needs of ClickHouse.
type Store interface {
	Conn() driver.Conn
	Dialect() chschema.Dialect
	Database() string
	Ping(ctx context.Context) error
}

var (
	_ Bus   = (*natsfx.Bus)(nil)
	_ Store = (*chfx.Client)(nil)
)

// source is one stream the sink consumes.
type source struct {
	stream, suffix, filter string
}

var sources = []source{
	{stream: natsfx.StreamEvents, suffix: "events"},
	{stream: natsfx.StreamScores, suffix: "scores", filter: event.SubjectRiskScore},
	{stream: natsfx.StreamDLQ, suffix: "dlq"},
}

// Sink is the JetStream → ClickHouse writer.
type Sink struct {
	cfg     Config
	bus     Bus
	store   Store
	log     zerolog.Logger
	metrics *metrics
	now     func() time.Time

	health  *health
	js      jetstream.JetStream
	workers []*worker
	stop    chan struct{}
	// stopCtx is Stop's context, set before stop is closed: it bounds the
	// final drain and flush.
	stopCtx  context.Context
	stopOnce sync.Once
	wg       sync.WaitGroup
	started  atomic.Bool
}

// New returns a sink; it does no I/O until Start. It fails if cfg is
// invalid (the error wraps ErrInvalidConfig) or the metrics cannot be
// registered.
func New(cfg Config, bus Bus, store Store, reg prometheus.Registerer, log zerolog.Logger) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("register sink metrics: %w", err)
	}
	return &Sink{
		cfg:     cfg,
		bus:     bus,
		store:   store,
		log:     log.With().Str("component", "sink").Logger(),
		metrics: m,
		health:  newHealth(m.ready),
		now:     time.Now,
	}, nil
}

// Start creates or updates the durable consumers and starts one worker per
// consumer plus the lag reader. It returns once they run.
func (s *Sink) Start(ctx context.Context) error {
	s.js = s.bus.JetStream()
	if s.js == nil {
		return ErrBusNotStarted
	}
	s.stop = make(chan struct{})
	consumers := make([]jetstream.Consumer, 0, len(sources))
	for _, src := range sources {
		cfg := jetstream.ConsumerConfig{
			Durable:       s.cfg.Consumer + "-" + src.suffix,
			Description:   "carrywatch sink into ClickHouse",
			FilterSubject: src.filter,
			DeliverPolicy: jetstream.DeliverAllPolicy,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       s.cfg.AckWait,
			MaxDeliver:    s.cfg.MaxDeliver,
			MaxAckPending: 5 * s.cfg.BatchMaxRows,
		}
		var cons jetstream.Consumer
		step := fmt.Sprintf("create consumer %s on %s", cfg.Durable, src.stream)
		err := natsfx.RetryJetStream(ctx, s.log, step, func(ctx context.Context) (err error) {
			cons, err = s.js.CreateOrUpdateConsumer(ctx, src.stream, cfg)
			return err
		})
		if err != nil {
			return err
		}
		consumers = append(consumers, cons)
		s.workers = append(s.workers, &worker{
			s:       s,
			src:     src,
			config:  cfg,
			isDLQ:   src.stream == natsfx.StreamDLQ,
			log:     s.log.With().Str("stream", src.stream).Str("consumer", cfg.Durable).Logger(),
			in:      make(chan jetstream.Msg, 256),
			batches: make(map[string]*batch),
			base:    context.Background(),
		})
	}
	for i, w := range s.workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			w.run(consumers[i], s.stop)
		}()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.readLag()
	}()
	s.started.Store(true)
	s.log.Info().Int("batch_max_rows", s.cfg.BatchMaxRows).Dur("batch_max_wait", s.cfg.BatchMaxWait).
		Int("max_deliver", s.cfg.MaxDeliver).Dur("retry_window", s.cfg.RetryWindow()).Msg("sink started")
	return nil
}

// Stop stops pulling, flushes every batch and acks what was stored within
// ctx's deadline, then returns; what is not acked by then is redelivered
// later. Calling it again waits for the same shutdown.
func (s *Sink) Stop(ctx context.Context) error {
	if s.stop == nil {
		return nil
	}
	s.stopOnce.Do(func() {
		s.stopCtx = ctx
		close(s.stop)
	})
	if err := lifecycle.Wait(ctx, "sink", lifecycle.Done(&s.wg)); err != nil {
		return err
	}
	s.log.Info().Msg("sink stopped")
	return nil
}

// Ready returns nil when the sink runs, ClickHouse answers, every consumer
// is delivering and its ack floor moving (see ErrAckFloorStalled), and
// every table's last insert succeeded.
func (s *Sink) Ready(ctx context.Context) error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("ping clickhouse: %w", err)
	}
	return s.health.err()
}

// checkAckFloor publishes how long the consumer's ack floor has not moved
// while messages were pending, and reports the consumer not ready once
// that exceeds AckStallMax.
func (s *Sink) checkAckFloor(w *worker, info *jetstream.ConsumerInfo) {
	stalled := w.floor.observe(info.AckFloor.Stream, info.NumPending+uint64(info.NumAckPending), s.now())
	s.metrics.stalled.WithLabelValues(info.Name).Set(stalled.Seconds())
	var err error
	if stalled > s.cfg.AckStallMax {
		err = fmt.Errorf("%w: at stream_seq %d for %s with %d messages unacked (%d redelivered) and %d undelivered",
			ErrAckFloorStalled, info.AckFloor.Stream, stalled.Round(time.Second), info.NumAckPending, info.NumRedelivered, info.NumPending)
	}
	s.health.set("ackfloor/"+w.config.Durable, err)
}

// readLag publishes each consumer's backlog until stop.
func (s *Sink) readLag() {
	t := time.NewTicker(s.cfg.LagInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		for _, w := range s.workers {
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.LagInterval)
			c, err := s.js.Consumer(ctx, w.src.stream, w.config.Durable)
			var info *jetstream.ConsumerInfo
			if err == nil {
				info, err = c.Info(ctx)
			}
			cancel()
			if err != nil {
				w.log.Warn().Err(err).Msg("read consumer lag")
				continue
			}
			s.metrics.pending.WithLabelValues(info.Name).Set(float64(info.NumPending) + float64(info.NumAckPending))
			s.checkAckFloor(w, info)
		}
	}
}
