package main

import (
	"testing"

	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/sink"
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
