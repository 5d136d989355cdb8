package opsfx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

// A check that hangs, ignoring its context (a frozen dependency), makes
// /readyz answer 503 naming it once the check timeout is over; the other
// checks' answers are kept.
func TestReadyzAnswersWhileACheckHangs(t *testing.T) {
	s := New(Config{CheckTimeout: 50 * time.Millisecond}, zerolog.Nop())
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	s.AddCheck("clickhouse", func(context.Context) error { <-release; return nil })
	s.AddCheck("nats", func(context.Context) error { return nil })
	s.AddCheck("sink", func(context.Context) error { return errors.New("insert failed") })

	got := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		got <- rec
	}()
	select {
	case rec := <-got:
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
		body := rec.Body.String()
		assert.Contains(t, body, "clickhouse: no answer: context deadline exceeded")
		assert.Contains(t, body, "sink: insert failed")
		assert.NotContains(t, body, "nats")
	case <-time.After(30 * time.Second): // far beyond the 50 ms bound: /readyz waited for the hung check
		t.Fatal("/readyz did not answer while a check hung")
	}
}

// With every check passing /readyz says ready.
func TestReadyzAllPass(t *testing.T) {
	s := New(Config{CheckTimeout: time.Second}, zerolog.Nop())
	s.AddCheck("a", func(context.Context) error { return nil })
	s.AddCheck("b", func(context.Context) error { return nil })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "ready\n", rec.Body.String())
}

// The default check timeout is below a Kubernetes probe's default 1 s.
func TestDefaultCheckTimeoutUnderProbeTimeout(t *testing.T) {
	var c Config
	require.NoError(t, env.ParseWithOptions(&c, env.Options{Environment: map[string]string{}}))
	assert.Less(t, c.CheckTimeout, time.Second)
}

// Validate reports every mistake at once, each naming its variable.
func TestConfigValidateReportsEveryProblem(t *testing.T) {
	problems := envconfig.Split(Config{Addr: "8080", CheckTimeout: 0}.Validate())
	require.Len(t, problems, 2)
	for i, want := range []string{`CW_HTTP_ADDR "8080" is not host:port`, "CW_HTTP_CHECK_TIMEOUT must be positive"} {
		assert.ErrorIs(t, problems[i], ErrInvalidConfig)
		assert.ErrorContains(t, problems[i], want)
	}
	assert.NoError(t, Config{Addr: ":0", CheckTimeout: time.Second}.Validate())
	assert.NoError(t, Config{CheckTimeout: time.Second}.Validate(), "no listener")
}

// component counts its starts and stops and reports ready as told.
type component struct {
	starts, stops int
	ready         error
}

func (c *component) Start(context.Context) error { c.starts++; return nil }
func (c *component) Stop(context.Context) error  { c.stops++; return nil }
func (c *component) Ready(context.Context) error { return c.ready }

// Run runs a component with the application, with or without a Server in
// the graph; with one, the component's readiness is a check.
func TestRun(t *testing.T) {
	notYet := errors.New("not yet")
	tests := []struct {
		name       string
		withServer bool
	}{
		{name: "with a server", withServer: true},
		{name: "without a server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &component{ready: notYet}
			opts := []fx.Option{fx.NopLogger, fx.Supply(c), Run[*component]("thing")}
			var srv *Server
			if tt.withServer {
				opts = append(opts, fx.Supply(Config{CheckTimeout: time.Second}, zerolog.Nop()), Module, fx.Populate(&srv))
			}
			app := fxtest.New(t, opts...)
			app.RequireStart()
			assert.Equal(t, 1, c.starts)
			if tt.withServer {
				assert.ErrorIs(t, srv.Ready(t.Context()), notYet, "the component is a readiness check")
				c.ready = nil
				assert.NoError(t, srv.Ready(t.Context()))
			}
			app.RequireStop()
			assert.Equal(t, 1, c.stops)
		})
	}
}

// ProvideAs hands one value out as itself and as each interface asked
// for; an interface the type does not implement fails the build, named.
func TestProvideAs(t *testing.T) {
	type checker interface{ AddCheck(string, CheckFunc) }
	newServer := func() *Server { return New(Config{}, zerolog.Nop()) }
	var (
		s *Server
		c checker
		h interface{ Handler() http.Handler }
	)
	fxtest.New(t, fx.NopLogger,
		ProvideAs(newServer, new(checker), new(interface{ Handler() http.Handler })),
		fx.Populate(&s, &c, &h),
	).RequireStart().RequireStop()
	require.NotNil(t, s)
	assert.Same(t, s, c)
	assert.Same(t, s, h)

	err := fx.ValidateApp(ProvideAs(newServer, new(io.Reader)), fx.NopLogger)
	assert.ErrorContains(t, err, "io.Reader")
}
