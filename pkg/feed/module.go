package feed

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
)

// Module runs the sources of the Config in the graph with the Formats in
// the graph, on the Bus in the graph (natsfx.Module provides it when given
// new(feed.Bus)); with an *opsfx.Server in the graph, the feeds are a
// readiness check.
var Module = fx.Module("feed",
	fx.Provide(newRunner),
	opsfx.Run[*Runner]("feeds"),
)

// runnerParams are what Module's Runner takes from the graph.
type runnerParams struct {
	fx.In
	Config     Config
	Formats    []Format
	Bus        Bus
	Registerer prometheus.Registerer
	Log        zerolog.Logger
}

func newRunner(p runnerParams) (*Runner, error) {
	return NewRunner(p.Config.Sources, p.Formats, p.Bus, p.Registerer, p.Log)
}

// Only keeps the sources whose format is among formats.
func Only(sources []Source, formats []Format) []Source {
	var out []Source
	for _, s := range sources {
		if _, err := Lookup(formats, s.Format); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// serviceEnv is what an ingest service reads from the environment.
type serviceEnv struct {
	Log       logfx.Config
	Ops       opsfx.Config
	NATS      natsfx.Config
	FeedsFile string `env:"CW_FEED_CONFIG"`
}

// serviceConfig is the configuration an ingest service provides.
type serviceConfig struct {
	fx.Out
	Log   logfx.Config
	Ops   opsfx.Config
	NATS  natsfx.Config
	Feeds Config
}

// Service composes an ingest service called name that runs every source of
// the feeds file (CW_FEED_CONFIG) whose format is among formats. It fails
// to start, saying why, without CW_NATS_URL, without a feeds file, or when
// the file has no source of those formats.
func Service(name string, formats []Format) fx.Option {
	return fx.Options(
		fx.Supply(formats),
		fx.StartTimeout(natsfx.StartTimeout),
		fx.Provide(func() (serviceConfig, error) { return loadService(formats) }),
		logfx.Module(name),
		opsfx.Module,
		natsfx.Module(new(Bus)),
		Module,
	)
}

// Validate requires what an ingest service cannot run without: the NATS
// server of a deployment (it never starts an embedded one) and a feeds
// file.
func (e serviceEnv) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	p.Add(e.NATS.RequireURL())
	if e.FeedsFile == "" {
		p.Addf("CW_FEED_CONFIG is not set (path of the feeds file; see deploy/feeds.example.yaml)")
	}
	return p.Err()
}

// loadService reads the environment and the feeds file it names, and
// keeps the sources of formats. The error joins every problem of both.
func loadService(formats []Format) (serviceConfig, error) {
	e, err := envconfig.Load[serviceEnv]()
	if e.FeedsFile == "" {
		return serviceConfig{}, err
	}
	feeds, ferr := LoadConfig(e.FeedsFile)
	if ferr == nil {
		feeds.Sources = Only(feeds.Sources, formats)
		if len(feeds.Sources) == 0 {
			ferr = fmt.Errorf("%w: %s has no source of the formats %v", ErrInvalidConfig, e.FeedsFile, FormatNames(formats))
		}
	}
	if err := errors.Join(err, ferr); err != nil {
		return serviceConfig{}, err
	}
	return serviceConfig{Log: e.Log, Ops: e.Ops, NATS: e.NATS, Feeds: feeds}, nil
}
