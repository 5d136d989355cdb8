package main

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/stretchr/testify/assert"
	"go.uber.org/fx"
)

func TestAppValidates(t *testing.T) {
	if err := fx.ValidateApp(appOptions()); err != nil {
		t.Fatal(err)
	}
}

// The sink reports every mistake of its environment at once.
func TestConfigReportsEveryMistake(t *testing.T) {
	t.Setenv("CW_NATS_URL", "")
	t.Setenv("CW_CLICKHOUSE_ADDR", "")
	t.Setenv("CW_SINK_MAX_DELIVER", "1")
	t.Setenv("CW_NATS_CONNECT_TIMEOUT", "0s")
	_, err := envconfig.Load[config]()
	for _, want := range []string{"CW_CLICKHOUSE_ADDR is not set", "CW_NATS_URL is not set",
		"CW_SINK_MAX_DELIVER 1 must be at least 2", "CW_NATS_CONNECT_TIMEOUT must be positive"} {
		assert.ErrorContains(t, err, want)
	}
	assert.ErrorIs(t, err, sink.ErrInvalidConfig)
	assert.ErrorIs(t, err, natsfx.ErrInvalidConfig)
	assert.ErrorIs(t, err, chfx.ErrInvalidConfig)

	t.Setenv("CW_NATS_URL", "nats://127.0.0.1:4222")
	t.Setenv("CW_CLICKHOUSE_ADDR", "127.0.0.1:9000")
	t.Setenv("CW_SINK_MAX_DELIVER", "")
	t.Setenv("CW_NATS_CONNECT_TIMEOUT", "")
	_, err = envconfig.Load[config]()
	assert.NoError(t, err)
}
