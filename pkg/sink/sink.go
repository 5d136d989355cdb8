// Package sink moves messages from JetStream into ClickHouse: durable pull
// consumers on CW_EVENTS, CW_SCORES and CW_DLQ, one batch per table flushed
// at a row count or an age, insert then ack. A message that cannot be
// decoded or validated is terminated and recorded in cw.dlq.sink (and from
// there in dead_letters); a batch ClickHouse refuses is redelivered later.
package sink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Bus is what the sink needs of NATS.
type Bus interface {
	JetStream() jetstream.JetStream
}

// Store is what the sink needs of ClickHouse.
type Store interface {
	Conn() driver.Conn
	Dialect() chfx.Dialect
	Database() string
	Ping(ctx context.Context) error
}

var (
	_ Bus   = (*natsfx.Bus)(nil)
	_ Store = (*chfx.Client)(nil)
)

// ErrNotStarted is returned by Ready before Start.
var ErrNotStarted = errors.New("sink not started")

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

	js        jetstream.JetStream
	consumers []jetstream.Consumer
	stop      chan struct{}
	stopOnce  sync.Once
	wg        sync.WaitGroup

	mu        sync.Mutex
	started   bool
	insertErr error
}

// New returns a sink; it does no I/O until Start. It fails if cfg is
// invalid or the metrics cannot be registered.
func New(cfg Config, bus Bus, store Store, reg prometheus.Registerer, log zerolog.Logger) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sink config: %w", err)
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
		now:     time.Now,
	}, nil
}

// Start creates or updates the durable consumers and starts one worker per
// consumer plus the lag reader. It returns once they run.
func (s *Sink) Start(ctx context.Context) error {
	s.js = s.bus.JetStream()
	s.stop = make(chan struct{})
	for _, src := range sources {
		name := s.cfg.Consumer + "-" + src.suffix
		cons, err := s.js.CreateOrUpdateConsumer(ctx, src.stream, jetstream.ConsumerConfig{
			Durable:       name,
			Description:   "carrywatch sink into ClickHouse",
			FilterSubject: src.filter,
			DeliverPolicy: jetstream.DeliverAllPolicy,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       s.cfg.AckWait,
			MaxDeliver:    -1,
			MaxAckPending: 5 * s.cfg.BatchMaxRows,
		})
		if err != nil {
			s.stopOnce.Do(func() { close(s.stop) })
			s.wg.Wait()
			return fmt.Errorf("create consumer %s on %s: %w", name, src.stream, err)
		}
		s.consumers = append(s.consumers, cons)
		w := &worker{
			s:        s,
			stream:   src.stream,
			consumer: cons,
			isDLQ:    src.stream == natsfx.StreamDLQ,
			log:      s.log.With().Str("stream", src.stream).Str("consumer", name).Logger(),
			in:       make(chan jetstream.Msg, 256),
			batches:  make(map[string]*batch),
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := w.run(s.stop); err != nil {
				w.log.Error().Err(err).Msg("worker stopped")
				s.setInsertErr(err)
			}
		}()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.readLag()
	}()
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.metrics.ready.Set(1)
	s.log.Info().Int("batch_max_rows", s.cfg.BatchMaxRows).Dur("batch_max_wait", s.cfg.BatchMaxWait).Msg("sink started")
	return nil
}

// Stop stops pulling, flushes every batch and acks what was stored, then
// returns; or returns ctx's error if that takes longer than ctx allows.
// Calling it again waits for the same shutdown.
func (s *Sink) Stop(ctx context.Context) error {
	if s.stop == nil {
		return nil
	}
	s.stopOnce.Do(func() { close(s.stop) })
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.log.Info().Msg("sink stopped")
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop sink: %w", ctx.Err())
	}
}

// Ready returns nil when the sink runs, ClickHouse answers and the last
// insert succeeded.
func (s *Sink) Ready(ctx context.Context) error {
	s.mu.Lock()
	started, insertErr := s.started, s.insertErr
	s.mu.Unlock()
	if !started {
		return ErrNotStarted
	}
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("ping clickhouse: %w", err)
	}
	if insertErr != nil {
		return fmt.Errorf("last insert: %w", insertErr)
	}
	return nil
}

func (s *Sink) setInsertErr(err error) {
	s.mu.Lock()
	s.insertErr = err
	s.mu.Unlock()
	if err != nil {
		s.metrics.ready.Set(0)
	} else {
		s.metrics.ready.Set(1)
	}
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
		for _, c := range s.consumers {
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.LagInterval)
			info, err := c.Info(ctx)
			cancel()
			if err != nil {
				s.log.Debug().Err(err).Msg("read consumer lag")
				continue
			}
			s.metrics.pending.WithLabelValues(info.Name).Set(float64(info.NumPending) + float64(info.NumAckPending))
		}
	}
}
