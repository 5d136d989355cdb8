package main

import (
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
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

// Validate requires the NATS server of a deployment: the scorer never
// starts an embedded one.
func (c config) Validate() error { return c.NATS.RequireURL() }

func appOptions() fx.Option {
	return fx.Options(
		fx.Provide(envconfig.Load[config]),
		fx.StartTimeout(natsfx.StartTimeout),
		logfx.Module("scorer"),
		opsfx.Module,
		natsfx.Module(new(scorer.Bus), new(web.JetStreamer)),
		scorer.Module,
		web.Module,
	)
}
