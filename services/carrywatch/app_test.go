package main

import (
	"testing"

	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/sink"
)

func TestAppValidates(t *testing.T) {
	c := config{Sink: sink.DefaultConfig()}
	if err := fx.ValidateApp(appOptions(c)); err != nil {
		t.Fatal(err)
	}
}
