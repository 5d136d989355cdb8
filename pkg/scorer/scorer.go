// Package scorer runs the CLRI model (pkg/risk) as a service: it reads
// CW_EVENTS in stream order through an ordered consumer, restores its state
// from the last snapshot in a key-value bucket and replays what came after,
// and publishes every print the model's publish rule selects on
// cw.risk.score and cw.risk.component.<name>, with Nats-Msg-Id = the print's
// id, so several replicas leave one copy of each print in CW_SCORES.
//
// A snapshot is saved only once every print selected before it has been
// acknowledged by JetStream, so it is never ahead of a print that was lost.
// It may be behind acknowledged prints: a restart derives those again (the
// model is deterministic in event time) and JetStream drops them by
// Nats-Msg-Id within the streams' duplicate window.
package scorer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/lifecycle"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

// Source names the scorer's prints and heartbeats.
const Source = "scorer"

// Bus is what the scorer needs of NATS.
type Bus interface {
	JetStream() jetstream.JetStream
	// StreamReplicas is the replica count of the CW_* streams; the state
	// bucket gets as many.
	StreamReplicas() int
}

var _ Bus = (*natsfx.Bus)(nil)

// Scorer is the scoring service.
type Scorer struct {
	cfg Config
	cal risk.Calibration
	bus Bus
	log zerolog.Logger
	m   *metrics
	pub *publisher

	js    jetstream.JetStream
	state *stateStore

	// Owned by the run goroutine after Start.
	model          *risk.Model
	seq            uint64 // last CW_EVENTS sequence applied
	savedSeq       uint64 // sequence of the last snapshot saved or restored
	checkpoints    checkpoints
	lastCheckpoint time.Time
	checkpointSeq  uint64

	late    uint64         // model.Late() after the last event
	lateLog zerolog.Logger // sampled: a backfill may bring thousands

	applied  atomic.Uint64 // seq, for other goroutines
	selected atomic.Uint64 // prints the model selected

	// quit is cancelled by Stop; done is closed when the run goroutine,
	// which owns the publisher and the heartbeat, has ended.
	quit   context.Context
	cancel context.CancelFunc
	once   sync.Once
	done   chan struct{}
	hbDone chan struct{}
	// hbHold, when set before Start, delays the first heartbeat until it
	// is closed.
	hbHold <-chan struct{}

	mu          sync.Mutex
	started     bool
	consumerErr error
	stopCtx     context.Context
}

// New returns a scorer using the calibration file cfg names (or the
// embedded one); it does no network I/O until Start. It fails on an invalid
// config (the error wraps ErrInvalidConfig) or calibration, or if its
// metrics cannot be registered.
func New(cfg Config, bus Bus, reg prometheus.Registerer, log zerolog.Logger) (*Scorer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cal, err := risk.CalibrationFor(cfg.model())
	if err != nil {
		return nil, err
	}
	if cfg.CalibrationFile != "" {
		data, err := os.ReadFile(cfg.CalibrationFile)
		if err != nil {
			return nil, fmt.Errorf("read calibration: %w", err)
		}
		if cal, err = risk.ParseCalibration(data); err != nil {
			return nil, err
		}
	}
	log = log.With().Str("component", "scorer").Logger()
	s := &Scorer{cfg: cfg, cal: cal, bus: bus, log: log,
		lateLog: log.Sample(&zerolog.BurstSampler{Burst: 5, Period: time.Minute})}
	s.pub = newPublisher(nil, log)
	m, err := newMetrics(reg, s.pending)
	if err != nil {
		return nil, fmt.Errorf("register scorer metrics: %w", err)
	}
	s.m, s.pub.m = m, m
	return s, nil
}

// stateKey is the snapshot's key: a new model version or calibration
// starts from the beginning of CW_EVENTS instead of mixing states.
func (s *Scorer) stateKey() string { return s.cal.Version() + "." + s.cal.Hash() }

// Start opens the state bucket and restores the last snapshot, creates an
// ordered consumer on CW_EVENTS from the sequence after it, and starts
// consuming, publishing and the heartbeat. While a cluster is still forming
// (no meta leader, too few peers) it retries each step until ctx ends. Its
// error names the step that failed: "state bucket <bucket>" or "ordered
// consumer on CW_EVENTS".
func (s *Scorer) Start(ctx context.Context) error {
	s.js = s.bus.JetStream()
	if s.js == nil {
		return fmt.Errorf("start scorer: %w", ErrBusNotStarted)
	}
	st, err := openState(ctx, s.js, s.cfg.StateBucket, s.bus.StreamReplicas(), s.stateKey(), s.log)
	if err != nil {
		return err
	}
	s.state = st
	s.model, s.seq = st.restore(ctx, s.cal, s.log)
	s.savedSeq, s.checkpointSeq = s.seq, s.seq
	s.applied.Store(s.seq)
	var it jetstream.MessagesContext
	err = natsfx.RetryJetStream(ctx, s.log, "ordered consumer on "+natsfx.StreamEvents, func(ctx context.Context) error {
		it, err = s.subscribe(ctx)
		return err
	})
	if err != nil {
		return err
	}
	s.quit, s.cancel = context.WithCancel(context.Background())
	s.done = make(chan struct{})
	s.lastCheckpoint = time.Now()
	s.pub.start(s.js, s.quit.Done())
	if s.cfg.Heartbeat > 0 {
		s.hbDone = make(chan struct{})
		go func() {
			defer close(s.hbDone)
			s.heartbeat()
		}()
	}
	from := s.seq // run owns s.seq from here on
	go func() {
		defer close(s.done)
		s.run(it)
	}()
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.log.Info().Str("model_version", s.cal.Version()).Str("calibration_hash", s.cal.Hash()).
		Uint64("stream_seq", from).Msg("scorer started")
	return nil
}

// Stop stops consuming, lets the publisher publish what it holds for at
// most half of what remains until ctx's deadline, saves the newest
// snapshot that no unacknowledged print is before, and waits for every
// goroutine; it returns ctx's error if they have not ended by then.
func (s *Scorer) Stop(ctx context.Context) error {
	if s.cancel == nil {
		return nil
	}
	s.once.Do(func() {
		s.mu.Lock()
		s.stopCtx = ctx
		s.mu.Unlock()
		s.cancel()
	})
	if err := lifecycle.Wait(ctx, "scorer", s.done); err != nil {
		return err
	}
	s.log.Info().Msg("scorer stopped")
	return nil
}

// stopContext returns the context Stop was called with.
func (s *Scorer) stopContext() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopCtx
}

// Ready returns nil once started while the scorer reads CW_EVENTS and
// JetStream takes its prints; else ErrNotStarted, or why the consumer is
// lost and why prints are not acknowledged.
func (s *Scorer) Ready(context.Context) error {
	s.mu.Lock()
	started, consumerErr := s.started, s.consumerErr
	s.mu.Unlock()
	if !started {
		return ErrNotStarted
	}
	var errs []error
	if consumerErr != nil {
		errs = append(errs, fmt.Errorf("consume %s: %w", natsfx.StreamEvents, consumerErr))
	}
	if err := s.pub.failure(); err != nil {
		errs = append(errs, fmt.Errorf("publish prints: %w", err))
	}
	return errors.Join(errs...)
}

func (s *Scorer) setConsumerErr(err error) {
	s.mu.Lock()
	s.consumerErr = err
	s.mu.Unlock()
}

// pending returns the prints selected and not yet settled.
func (s *Scorer) pending() float64 {
	settled, _ := s.pub.progress()
	return float64(s.selected.Load() - settled)
}

// Last returns the last print published and how many were published.
func (s *Scorer) Last() (*event.RiskScore, int) {
	return s.pub.lastAcked()
}

// Watermark returns the last CW_EVENTS sequence fully handled: applied to
// the model and, if it led to a print, that print acknowledged by
// JetStream. While prints are in flight it is the input sequence of the
// last one settled.
func (s *Scorer) Watermark() uint64 {
	applied := s.applied.Load() // before selected: apply counts a print before it stores seq
	selected := s.selected.Load()
	settled, seq := s.pub.progress()
	if settled < selected {
		return seq
	}
	return applied
}
