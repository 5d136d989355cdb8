package main

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/web"
	"github.com/stretchr/testify/assert"
	"go.uber.org/fx"
)

func TestAppValidates(t *testing.T) {
	if err := fx.ValidateApp(appOptions()); err != nil {
		t.Fatal(err)
	}
}

// The scorer reports every mistake of its environment at once.
func TestConfigReportsEveryMistake(t *testing.T) {
	t.Setenv("CW_NATS_URL", "")
	t.Setenv("CW_SCORER_MODEL", "clri-v0")
	t.Setenv("CW_WEB_ADDR", "8090")
	_, err := envconfig.Load[config]()
	for _, want := range []string{"CW_NATS_URL is not set", "CW_SCORER_MODEL: ", `CW_WEB_ADDR "8090" is not host:port`} {
		assert.ErrorContains(t, err, want)
	}
	assert.ErrorIs(t, err, natsfx.ErrInvalidConfig)
	assert.ErrorIs(t, err, scorer.ErrInvalidConfig)
	assert.ErrorIs(t, err, web.ErrInvalidConfig)

	t.Setenv("CW_NATS_URL", "nats://127.0.0.1:4222")
	t.Setenv("CW_SCORER_MODEL", "")
	t.Setenv("CW_WEB_ADDR", "")
	_, err = envconfig.Load[config]()
	assert.NoError(t, err)
}
