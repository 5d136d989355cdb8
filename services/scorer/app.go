package main

import (
	"fmt"

	"github.com/caarlos0/env/v11"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/web"
)

// config is what the scorer reads from the environment.
type config struct {
	fx.Out
	Log    logfx.Config
	Ops    opsfx.Config
	NATS   natsfx.Config
	Scorer scorer.Config
	Web    web.Config
}

func loadConfig() (config, error) {
	var c config
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("read environment: %w", err)
	}
	if c.NATS.URL == "" {
		return c, fmt.Errorf("CW_NATS_URL is not set")
	}
	for _, v := range []interface{ Validate() error }{c.Ops, c.NATS, c.Scorer, c.Web} {
		if err := v.Validate(); err != nil {
			return c, err
		}
	}
	return c, nil
}

func appOptions() fx.Option {
	return fx.Options(
		fx.Provide(loadConfig),
		fx.StartTimeout(natsfx.StartTimeout),
		logfx.Module("scorer"),
		opsfx.Module,
		natsfx.Module,
		scorer.Module,
		web.Module,
	)
}
