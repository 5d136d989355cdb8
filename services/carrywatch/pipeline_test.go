package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// The all-in-one composition with a feeds file: a MoF source polled from a
// file goes through NATS and the sink into ClickHouse, each value intact.
func TestFeedsFileToClickHouse(t *testing.T) {
	ns := natstest.New(t)
	db := chtest.New(t)
	feeds, err := feed.LoadConfig(mofFeeds(t))
	require.NoError(t, err)

	natsCfg := natsfx.DefaultConfig()
	natsCfg.URL = ns.URL
	sinkCfg := sink.DefaultConfig()
	sinkCfg.BatchMaxWait = 50 * time.Millisecond
	c := config{
		Log:    logfx.Config{Level: "warn"},
		Ops:    opsfx.Config{CheckTimeout: time.Second},
		NATS:   natsCfg,
		CH:     chfx.Config{Addr: []string{db.Addr}, Database: db.Database}.WithDefaults(),
		Sink:   sinkCfg,
		Scorer: scorer.DefaultConfig(),
	}
	var ops *opsfx.Server
	app := fxtest.New(t, appOptions(c, liveOptions(c, feeds, "")), fx.Populate(&ops))
	app.RequireStart()
	defer app.RequireStop()

	require.Eventually(t, func() bool {
		return chtest.Count(t, db, "SELECT count() FROM "+db.Database+".v_jgb_yields") == 45
	}, time.Minute, 20*time.Millisecond)
	var y float64
	require.NoError(t, db.Conn.QueryRow(context.Background(), "SELECT yield_pct FROM "+db.Database+
		".v_jgb_yields WHERE tenor = '10Y' AND source = 'mof' ORDER BY observed_at LIMIT 1").Scan(&y))
	assert.Equal(t, 1.881, y)
	require.Eventually(t, func() bool { return ops.Ready(context.Background()) == nil }, 30*time.Second, 20*time.Millisecond)
}
