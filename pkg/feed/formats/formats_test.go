package formats_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

// Every format the command line documents is registered, once.
func TestAllFormats(t *testing.T) {
	feedtest.CheckFormats(t, formats.All(),
		"mof-jgb", "jgb-csv",
		"zq-futures", "kalshi", "polymarket", "fedodds-csv",
		"farside-html", "farside-csv", "sosovalue", "etf-csv",
		"statuspage-summary", "statuspage-incidents", "kraken-status", "binance-status",
		"fred-csv", "treasury-par", "cboe-vix", "history-csv", "history-jgb",
		"ecb-fx", "coinbase-ticker", "coinbase-candles", "kraken-ticker", "kraken-ohlc",
	)
}

// The example feeds file in deploy/ loads, and every source in it names a
// known format with valid params.
func TestExampleFeedsFile(t *testing.T) {
	c, err := feed.LoadConfig("../../../deploy/feeds.example.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, c.Sources)
	_, err = feed.NewRunner(c.Sources, formats.All(), nil, prometheus.NewRegistry(), zerolog.Nop())
	require.NoError(t, err)
	families := map[string]int{}
	for _, s := range c.Sources {
		for name, fs := range map[string][]feed.Format{
			"jgb": formats.JGB(), "fedodds": formats.FedOdds(), "etf": formats.ETFFlows(), "outages": formats.Outages(), "markets": formats.Markets(),
		} {
			if _, err := feed.Lookup(fs, s.Format); err == nil {
				families[name]++
			}
		}
	}
	assert.Len(t, families, 5, "the example covers every feed family: %v", families)
	assert.Equal(t, 0.6, c.Venues[0].Weight, "CME Globex weighs 0.6")
	assert.Equal(t, feed.DefaultMarkets(), c.Markets, "the example lists the default markets")
}
