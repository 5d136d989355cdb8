package main

import (
	"errors"
	"time"

	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
)

// config is what the sink reads from the environment.
type config struct {
	fx.Out
	Log  logfx.Config
	Ops  opsfx.Config
	NATS natsfx.Config
	CH   chfx.Config
	Sink sink.Config
}

// Validate requires the servers of a deployment: the sink never starts an
// embedded NATS server or a local ClickHouse.
func (c config) Validate() error {
	return errors.Join(c.CH.RequireAddr(), c.NATS.RequireURL())
}

func appOptions() fx.Option {
	return fx.Options(
		fx.Provide(envconfig.Load[config]),
		// Room for the sink to drain, flush and ack before the orchestrator's
		// kill (Kubernetes waits 30 s by default).
		fx.StopTimeout(25*time.Second),
		fx.StartTimeout(natsfx.StartTimeout),
		logfx.Module("sink"),
		opsfx.Module,
		natsfx.Module(new(sink.Bus)),
		chfx.Module(new(sink.Store)),
		sink.Module,
	)
}
