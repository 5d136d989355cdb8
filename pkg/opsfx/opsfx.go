// Package opsfx owns a service's operations endpoint: /healthz (the process
// is alive), /readyz (every registered dependency is usable) and Prometheus
// /metrics. Components register their readiness checks and metrics on the
// one Server a process has, so the all-in-one binary and the separate
// services expose the same endpoints. Run and ProvideAs are the fx wiring
// the services' modules share: a component started with the application
// and checked by /readyz, and a connection handed out as the narrow
// interfaces its users declare.
package opsfx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/lifecycle"
)

// Config is where the endpoint listens.
type Config struct {
	// Addr is host:port; ":0" picks a free port, "" disables the listener
	// (the handler still works in-process).
	Addr string `env:"CW_HTTP_ADDR" envDefault:":8080"`
	// CheckTimeout bounds one /readyz evaluation: the checks run at once,
	// and one still running then counts as failed. It stays under the
	// 1 s a Kubernetes probe waits by default, so a hung dependency reads
	// as 503, not as a probe timeout.
	CheckTimeout time.Duration `env:"CW_HTTP_CHECK_TIMEOUT" envDefault:"750ms"`
}

// ErrInvalidConfig means a Config setting cannot work; the wrapping error
// names its environment variable.
var ErrInvalidConfig = errors.New("invalid ops config")

// Validate reports every setting that cannot work, each wrapping
// ErrInvalidConfig; nil when c is usable.
func (c Config) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			p.Addf("CW_HTTP_ADDR %q is not host:port: %w", c.Addr, err)
		}
	}
	if c.CheckTimeout <= 0 {
		p.Addf("CW_HTTP_CHECK_TIMEOUT must be positive, got %s", c.CheckTimeout)
	}
	return p.Err()
}

// CheckFunc returns nil when the dependency it checks is usable.
type CheckFunc func(ctx context.Context) error

// Server serves the operations endpoints.
type Server struct {
	cfg      Config
	log      zerolog.Logger
	registry *prometheus.Registry

	mu     sync.Mutex
	checks map[string]CheckFunc

	srv *lifecycle.HTTPServer
	ln  net.Listener
}

// New returns a Server with a fresh registry holding the Go and process
// collectors. It does not listen until Start.
func New(cfg Config, log zerolog.Logger) *Server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Server{
		cfg:      cfg,
		log:      log.With().Str("component", "ops").Logger(),
		registry: reg,
		checks:   make(map[string]CheckFunc),
	}
}

// Registry is where components register their metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// AddCheck registers a readiness check under name, replacing any earlier
// check of that name.
func (s *Server) AddCheck(name string, check CheckFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks[name] = check
}

// Ready runs every check at once and returns their failures joined, nil if
// all pass. A check still running when ctx ends is reported as failed with
// ctx's error and left behind: a dependency that hangs (a frozen ClickHouse)
// makes Ready answer "not ready" when ctx ends, not when the check gives up.
func (s *Server) Ready(ctx context.Context) error {
	s.mu.Lock()
	names := make([]string, 0, len(s.checks))
	checks := make([]CheckFunc, 0, len(s.checks))
	for n := range s.checks {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		checks = append(checks, s.checks[n])
	}
	s.mu.Unlock()
	type result struct {
		i   int
		err error
	}
	results := make(chan result, len(checks)) // buffered: a late check never blocks
	for i, check := range checks {
		go func() { results <- result{i, check(ctx)} }()
	}
	errs := make([]error, len(checks))
	answered := make([]bool, len(checks))
	for range checks {
		select {
		case r := <-results:
			answered[r.i] = true
			if r.err != nil {
				errs[r.i] = fmt.Errorf("%s: %w", names[r.i], r.err)
			}
		case <-ctx.Done():
			for i, ok := range answered {
				if !ok {
					errs[i] = fmt.Errorf("%s: no answer: %w", names[i], ctx.Err())
				}
			}
			return errors.Join(errs...)
		}
	}
	return errors.Join(errs...)
}

// Handler serves /healthz, /readyz and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.CheckTimeout)
		defer cancel()
		if err := s.Ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
	return mux
}

// Addr returns the address the endpoint listens on, "" before Start or when
// disabled.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Start listens on cfg.Addr and serves in the background.
func (s *Server) Start(context.Context) error {
	if s.cfg.Addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.srv = lifecycle.StartHTTP(ln, s.Handler(), s.log, "ops endpoint stopped")
	s.log.Info().Str("addr", ln.Addr().String()).Msg("ops endpoint listening")
	return nil
}

// Stop shuts the endpoint down and waits for it.
func (s *Server) Stop(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("shut down ops endpoint: %w", err)
	}
	return nil
}

// Component is a part of a service that runs with the application and
// reports whether it is ready.
type Component interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Ready(ctx context.Context) error
}

// runParams are what Run takes from the graph; the Server is optional.
type runParams[C Component] struct {
	fx.In
	Lifecycle fx.Lifecycle
	Component C
	Ops       *Server `optional:"true"`
}

// Run starts and stops the C in the graph with the application and, when
// the graph has a *Server, registers its Ready as the readiness check name.
// A module uses it as its fx.Invoke:
//
//	var Module = fx.Module("sink", fx.Provide(New), opsfx.Run[*Sink]("sink"))
func Run[C Component](name string) fx.Option {
	return fx.Invoke(func(p runParams[C]) {
		p.Lifecycle.Append(fx.StartStopHook(p.Component.Start, p.Component.Stop))
		if p.Ops != nil {
			p.Ops.AddCheck(name, p.Component.Ready)
		}
	})
}

// ProvideAs provides what constructor returns as its own type and as each
// of the interfaces as points to (fx.As), the narrow interfaces a
// service's components declare, so that a module owning a connection
// hands it out as those: ProvideAs(natsfx.New, new(sink.Bus)). Each must
// be an interface the type implements, else the application fails to
// build, naming it.
func ProvideAs(constructor any, as ...any) fx.Option {
	anns := []fx.Annotation{fx.As(fx.Self())}
	for _, a := range as {
		anns = append(anns, fx.As(a))
	}
	return fx.Provide(fx.Annotate(constructor, anns...))
}

// Module provides the Server and its registry (as a prometheus.Registerer)
// and runs it with the application. Config is supplied by the service.
var Module = fx.Module("opsfx",
	fx.Provide(
		New,
		func(s *Server) prometheus.Registerer { return s.Registry() },
	),
	fx.Invoke(func(lc fx.Lifecycle, s *Server) { lc.Append(fx.StartStopHook(s.Start, s.Stop)) }),
)
