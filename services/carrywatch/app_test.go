package main

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/web"
)

func TestAppValidates(t *testing.T) {
	c := config{Sink: sink.DefaultConfig(), Scorer: scorer.DefaultConfig()}
	for name, ingest := range map[string]fx.Option{
		"replay":  fx.Options(),
		"live":    liveOptions(c, feed.Default(), "/tmp/marker"),
		"no file": liveOptions(c, feed.Config{Sources: []feed.Source{{Name: "a", Format: "mof-jgb", URL: "file:///dev/null"}}}, ""),
	} {
		if err := fx.ValidateApp(appOptions(c, ingest)); err != nil {
			t.Fatal(name, err)
		}
	}
}

// Each component's module takes from the graph the narrow interfaces its
// package declares, whatever implements them, and runs without an
// *opsfx.Server; so does the live ingest.
func TestModulesNeedOnlyTheirInterfaces(t *testing.T) {
	tests := []struct {
		name string
		opts fx.Option
	}{
		{"sink", fx.Options(fx.Supply(sink.DefaultConfig()),
			fx.Provide(func() sink.Bus { return nil }, func() sink.Store { return nil }), sink.Module)},
		{"scorer", fx.Options(fx.Supply(scorer.DefaultConfig()), fx.Provide(func() scorer.Bus { return nil }), scorer.Module)},
		{"web", fx.Options(fx.Supply(web.DefaultConfig()), fx.Provide(func() web.JetStreamer { return nil }), web.Module)},
		{"feed", fx.Options(fx.Supply(feed.Config{}, []feed.Format{{Name: "mof-jgb"}}), fx.Provide(func() feed.Bus { return nil }), feed.Module)},
		{"live ingest", fx.Options(fx.Provide(func() feed.Bus { return nil }, func() *natsfx.Bus { return nil },
			func() *scorer.Scorer { return nil }), liveOptions(config{}, feed.Config{}, ""))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NoError(t, fx.ValidateApp(
				fx.Supply(zerolog.Nop()),
				fx.Provide(func() prometheus.Registerer { return prometheus.NewRegistry() }),
				tt.opts,
			))
		})
	}
}
