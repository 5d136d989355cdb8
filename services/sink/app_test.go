package main

import (
	"testing"

	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/envtest"
)

func TestAppValidates(t *testing.T) {
	if err := fx.ValidateApp(appOptions()); err != nil {
		t.Fatal(err)
	}
}

// The sink reports every mistake of its environment at once.
func TestConfigReportsEveryMistake(t *testing.T) {
	envtest.ReportsEvery[config](t, envtest.Mistakes{
		Env: map[string]string{"CW_NATS_URL": "", "CW_CLICKHOUSE_ADDR": "", "CW_SINK_MAX_DELIVER": "1",
			"CW_NATS_CONNECT_TIMEOUT": "0s"},
		Messages: []string{"CW_CLICKHOUSE_ADDR is not set", "CW_NATS_URL is not set",
			"CW_SINK_MAX_DELIVER 1 must be at least 2", "CW_NATS_CONNECT_TIMEOUT must be positive"},
		Sentinels: []error{sink.ErrInvalidConfig, natsfx.ErrInvalidConfig, chfx.ErrInvalidConfig},
		Fixed: map[string]string{"CW_NATS_URL": "nats://127.0.0.1:4222", "CW_CLICKHOUSE_ADDR": "127.0.0.1:9000",
			"CW_SINK_MAX_DELIVER": "", "CW_NATS_CONNECT_TIMEOUT": ""},
	})
}
