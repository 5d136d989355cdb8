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
	if err := fx.ValidateApp(appOptions(c, feed.Config{Sources: []feed.Source{{Name: "a", Format: "mof-jgb", URL: "file:///dev/null"}}})); err != nil {
		t.Fatal(err)
	}
}
