package main

import (
	"context"

	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
)

// appOptions composes every service of `carrywatch up`: the same modules
// the separate service binaries use.
func appOptions(c config) fx.Option {
	return fx.Options(
		logfx.Module("carrywatch"),
		fx.Supply(c.Log, c.Ops, c.NATS, c.CH, c.Sink),
		opsfx.Module,
		natsfx.Module,
		chfx.Module,
		sink.Module,
		fx.Invoke(func(ops *opsfx.Server, bus *natsfx.Bus) {
			ops.AddCheck("nats", func(_ context.Context) error { return bus.Ready() })
		}),
	)
}
