package main

import (
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/web"
)

// appOptions composes every service of `carrywatch up`: the same modules
// the separate service binaries use, and the feeds when feeds has sources.
func appOptions(c config, feeds feed.Config) fx.Option {
	ingest := fx.Options()
	if len(feeds.Sources) > 0 {
		ingest = fx.Options(fx.Supply(feeds, formats.All()), feed.Module)
	}
	return fx.Options(
		logfx.Module("carrywatch"),
		fx.Supply(c.Log, c.Ops, c.NATS, c.CH, c.Sink, c.Scorer, c.Web),
		opsfx.Module,
		natsfx.Module,
		chfx.Module,
		sink.Module,
		scorer.Module,
		web.Module,
		ingest, // after natsfx: start hooks run in this order
	)
}
