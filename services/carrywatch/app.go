package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
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
// the separate service binaries use, then ingest (none for a replay).
func appOptions(c config, ingest fx.Option) fx.Option {
	return fx.Options(
		logfx.Module("carrywatch"),
		fx.Supply(c.Log, c.Ops, c.NATS, c.CH, c.Sink, c.Scorer, c.Web),
		opsfx.Module,
		natsfx.Module(new(sink.Bus), new(scorer.Bus), new(web.JetStreamer), new(feed.Bus)),
		chfx.Module(new(sink.Store)),
		sink.Module,
		scorer.Module,
		web.Module,
		ingest, // after natsfx: start hooks run in this order
	)
}

// liveOptions is the ingest of a live up: the feeds' runner, on the
// feed.Bus natsfx.Module provides, started by a liveIngest after the
// history (marker "" skips it). The liveIngest runs with the application
// and, with an *opsfx.Server in the graph, is the "feeds" readiness check.
func liveOptions(c config, feeds feed.Config, marker string) fx.Option {
	return fx.Options(
		fx.Provide(func(bus feed.Bus, reg prometheus.Registerer, log zerolog.Logger) (*feed.Runner, error) {
			return feed.NewRunner(feeds.Sources, formats.All(), bus, reg, log)
		}),
		fx.Provide(func(r *feed.Runner, bus *natsfx.Bus, sc *scorer.Scorer, log zerolog.Logger) *liveIngest {
			return newLiveIngest(r, bus, sc, marker, c.Sink.Consumer+"-events", log)
		}),
		opsfx.Run[*liveIngest]("feeds"),
		fx.Invoke(func(p sourcesPage) {
			if p.Page != nil {
				p.Page.WatchSources(p.Runner.States)
			}
		}),
	)
}

// sourcesPage hands the feed loop's states to the live page, when there is
// one.
type sourcesPage struct {
	fx.In
	Runner *feed.Runner
	Page   *web.Server `optional:"true"`
}
