package feed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/lifecycle"
)

// ErrBusNotStarted means the runner was started before its NATS bus.
var ErrBusNotStarted = errors.New("nats bus not started before the feeds")

// ErrNotStarted is what Ready returns before Start: no source has been
// polled yet.
var ErrNotStarted = errors.New("feeds not started")

// Bus is what the runner needs of NATS.
type Bus interface {
	JetStream() jetstream.JetStream
}

// Runner runs one Poller per source, each on its own goroutine.
type Runner struct {
	sources []Source
	parsers []Parser
	bus     Bus
	log     zerolog.Logger
	m       *metrics

	pollers []*Poller
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	// started is set once pollers is complete: Ready reads it only then.
	started atomic.Bool
}

// NewRunner resolves every source's format among formats and registers the
// feed metrics; it does no I/O. It fails on an unknown format or invalid
// params, naming the source.
func NewRunner(sources []Source, formats []Format, bus Bus, reg prometheus.Registerer, log zerolog.Logger) (*Runner, error) {
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("register feed metrics: %w", err)
	}
	r := &Runner{bus: bus, log: log, m: m}
	for _, s := range sources {
		s = s.WithDefaults()
		if err := s.Validate(); err != nil {
			return nil, err
		}
		f, err := Lookup(formats, s.Format)
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", s.Name, err)
		}
		parse, err := f.New(s.Params)
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", s.Name, err)
		}
		r.sources = append(r.sources, s)
		r.parsers = append(r.parsers, parse)
	}
	return r, nil
}

// Start launches a poller per source and returns.
func (r *Runner) Start(context.Context) error {
	js := r.bus.JetStream()
	if js == nil {
		return ErrBusNotStarted
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	for i, s := range r.sources {
		p := newPoller(s, r.parsers[i], js, r.m, r.log)
		r.pollers = append(r.pollers, p)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			p.Run(ctx)
		}()
	}
	r.started.Store(true)
	r.log.Info().Int("sources", len(r.sources)).Msg("feeds started")
	return nil
}

// Stop cancels every poll in flight and waits for the pollers, or for ctx.
func (r *Runner) Stop(ctx context.Context) error {
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	return lifecycle.Wait(ctx, "feeds", lifecycle.Done(&r.wg))
}

// Ready returns nil when every source polled successfully within three of
// its intervals, and [ErrNotStarted] before Start.
func (r *Runner) Ready(context.Context) error {
	if !r.started.Load() {
		return ErrNotStarted
	}
	now := time.Now()
	var errs []error
	for _, p := range r.pollers {
		if err := p.health(now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// States returns each source's State in the order of the feeds file, and
// nil before Start.
func (r *Runner) States() []State {
	if !r.started.Load() {
		return nil
	}
	out := make([]State, len(r.pollers))
	for i, p := range r.pollers {
		out[i] = p.state()
	}
	return out
}
