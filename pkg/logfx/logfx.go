// Package logfx owns the root zerolog logger: JSON to stderr with service
// and version fields, and an fx event logger that writes through it.
package logfx

import (
	"errors"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

// Version is the build version, set with -ldflags "-X .../logfx.Version=…".
var Version = "dev"

// Config selects the log level and format.
type Config struct {
	// Level is trace, debug, info, warn or error.
	Level string `env:"CW_LOG_LEVEL" envDefault:"info"`
	// Format is json (default) or console for humans at a terminal.
	Format string `env:"CW_LOG_FORMAT" envDefault:"json"`
}

// ErrInvalidConfig means a Config setting cannot work; the wrapping error
// names its environment variable.
var ErrInvalidConfig = errors.New("invalid log config")

// Validate reports every setting that cannot work, each wrapping
// ErrInvalidConfig; nil when c is usable. An empty level reads as info.
func (c Config) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	if c.Level != "" {
		if _, err := zerolog.ParseLevel(strings.ToLower(c.Level)); err != nil {
			p.Addf("CW_LOG_LEVEL %q is not a level: use trace, debug, info, warn or error", c.Level)
		}
	}
	if c.Format != "" && c.Format != "json" && c.Format != "console" {
		p.Addf("CW_LOG_FORMAT %q is neither json nor console", c.Format)
	}
	return p.Err()
}

// New returns the root logger for service, writing to w.
func New(service string, cfg Config, w io.Writer) zerolog.Logger {
	level, err := zerolog.ParseLevel(strings.ToLower(cfg.Level))
	if err != nil || cfg.Level == "" {
		level = zerolog.InfoLevel
	}
	if cfg.Format == "console" {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.RFC3339}
	}
	zerolog.TimeFieldFormat = time.RFC3339Nano
	return zerolog.New(w).Level(level).With().Timestamp().
		Str("service", service).Str("version", Version).Logger()
}

// Module provides the root logger for service, configured by the Config in
// the graph, and routes fx's own events through it.
func Module(service string) fx.Option {
	return fx.Options(
		fx.Provide(func(cfg Config) zerolog.Logger { return New(service, cfg, os.Stderr) }),
		fx.WithLogger(func(log zerolog.Logger) fxevent.Logger {
			return &EventLogger{Log: log.With().Str("component", "fx").Logger()}
		}),
	)
}

// EventLogger writes fx lifecycle events to zerolog: failures at error,
// everything else at debug.
type EventLogger struct{ Log zerolog.Logger }

// LogEvent implements fxevent.Logger.
func (l *EventLogger) LogEvent(e fxevent.Event) {
	switch e := e.(type) {
	case *fxevent.OnStartExecuted:
		if e.Err != nil {
			l.Log.Error().Err(e.Err).Str("callee", e.FunctionName).Msg("start hook failed")
			return
		}
		l.Log.Debug().Str("callee", e.FunctionName).Dur("elapsed", e.Runtime).Msg("start hook done")
	case *fxevent.OnStopExecuted:
		if e.Err != nil {
			l.Log.Error().Err(e.Err).Str("callee", e.FunctionName).Msg("stop hook failed")
			return
		}
		l.Log.Debug().Str("callee", e.FunctionName).Dur("elapsed", e.Runtime).Msg("stop hook done")
	case *fxevent.Provided:
		if e.Err != nil {
			l.Log.Error().Err(e.Err).Str("constructor", e.ConstructorName).Msg("provide failed")
		}
	case *fxevent.Invoked:
		if e.Err != nil {
			l.Log.Error().Err(e.Err).Str("function", e.FunctionName).Msg("invoke failed")
		}
	case *fxevent.Started:
		if e.Err != nil {
			l.Log.Error().Err(e.Err).Msg("start failed")
			return
		}
		l.Log.Info().Msg("started")
	case *fxevent.Stopped:
		if e.Err != nil {
			l.Log.Error().Err(e.Err).Msg("stop failed")
		}
	case *fxevent.RollingBack:
		l.Log.Error().Err(e.StartErr).Msg("start failed, rolling back")
	}
}
