package main

import (
	"testing"

	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/testutil/envtest"
	"github.com/carrywatch/carrywatch/pkg/web"
)

func TestAppValidates(t *testing.T) {
	if err := fx.ValidateApp(appOptions()); err != nil {
		t.Fatal(err)
	}
}

// The scorer reports every mistake of its environment at once.
func TestConfigReportsEveryMistake(t *testing.T) {
	envtest.ReportsEvery[config](t, envtest.Mistakes{
		Env:       map[string]string{"CW_NATS_URL": "", "CW_SCORER_MODEL": "clri-v0", "CW_WEB_ADDR": "8090"},
		Messages:  []string{"CW_NATS_URL is not set", "CW_SCORER_MODEL: ", `CW_WEB_ADDR "8090" is not host:port`},
		Sentinels: []error{natsfx.ErrInvalidConfig, scorer.ErrInvalidConfig, web.ErrInvalidConfig},
		Fixed:     map[string]string{"CW_NATS_URL": "nats://127.0.0.1:4222", "CW_SCORER_MODEL": "", "CW_WEB_ADDR": ""},
	})
}
