package main

import (
	"fmt"
	"time"

	"github.com/caarlos0/env/v11"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/chfx"
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

// loadConfig reads and checks the environment.
func loadConfig() (config, error) {
	var c config
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("read environment: %w", err)
	}
	if len(c.CH.Addr) == 0 {
		return c, fmt.Errorf("CW_CLICKHOUSE_ADDR is not set")
	}
	if c.NATS.URL == "" {
		return c, fmt.Errorf("CW_NATS_URL is not set")
	}
	for _, v := range []interface{ Validate() error }{c.Ops, c.NATS, c.CH, c.Sink} {
		if err := v.Validate(); err != nil {
			return c, err
		}
	}
	return c, nil
}

func appOptions() fx.Option {
	return fx.Options(
		fx.Provide(loadConfig),
		// Room for the sink to drain, flush and ack before the orchestrator's
		// kill (Kubernetes waits 30 s by default).
		fx.StopTimeout(25*time.Second),
		fx.StartTimeout(natsfx.StartTimeout),
		logfx.Module("sink"),
		opsfx.Module,
		natsfx.Module,
		chfx.Module,
		sink.Module,
	)
}
