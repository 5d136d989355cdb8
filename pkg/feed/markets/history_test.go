package markets_test

import (
	"os"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/jgb"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/history"
)

func TestHistory(t *testing.T) {
	obs, err := newParser(t, markets.FormatHistory, map[string]string{"instrument": "USDJPY"})(feedtest.Testdata(t, "history_usdjpy_2008-10.csv"), parseNow)
	require.NoError(t, err)
	assert.Empty(t, obs.Warnings)
	got := quotesOf(t, obs)
	require.Len(t, got, 22)
	assert.Equal(t, &event.MarketQuote{
		Meta:       event.Meta{Source: "history", ObservedAt: utc("2008-10-24", 17)},
		Instrument: "USDJPY", Value: 92.64, Unit: event.UnitJPYPerUSD, Kind: event.QuoteFixing,
	}, got["USDJPY 2008-10-24"], `"92.6400" in the file`)
	assert.Equal(t, 97.6, got["USDJPY 2008-10-23"].Value)
	assert.Equal(t, 106.06, got["USDJPY 2008-10-01"].Value)
	assert.Equal(t, 98.28, got["USDJPY 2008-10-31"].Value)
}

// Unit, kind and time default to the instrument's convention; another
// instrument needs unit and kind and is observed at 21:00 unless at says
// otherwise. The bodies are pkg/history's files.
func TestHistoryDefaults(t *testing.T) {
	tests := []struct {
		series   string
		params   map[string]string
		wantUnit string
		wantKind string
		wantAt   time.Duration
	}{
		{"usdjpy", map[string]string{"instrument": "USDJPY"}, event.UnitJPYPerUSD, event.QuoteFixing, 17 * time.Hour},
		{"ust_2y", map[string]string{"instrument": "UST2Y"}, event.UnitPercent, event.QuoteClose, 21 * time.Hour},
		{"ust_10y", map[string]string{"instrument": "UST10Y"}, event.UnitPercent, event.QuoteClose, 21 * time.Hour},
		{"btc_usd", map[string]string{"instrument": "BTC-USD"}, event.UnitUSD, event.QuoteClose, 21 * time.Hour},
		{"vix", map[string]string{"instrument": "VIX", "at": "20:15"}, event.UnitPoints, event.QuoteClose, 20*time.Hour + 15*time.Minute},
		{"fed_funds_effr", map[string]string{"instrument": "EFFR", "unit": "percent", "kind": "fixing"}, event.UnitPercent, event.QuoteFixing, 21 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.series, func(t *testing.T) {
			s, err := history.Lookup(tt.series)
			require.NoError(t, err)
			body, err := s.Bytes()
			require.NoError(t, err)
			obs, err := newParser(t, markets.FormatHistory, tt.params)(body, parseNow)
			require.NoError(t, err)
			require.Len(t, obs.Events, s.Rows)
			checkDaily(t, obs)
			for _, e := range obs.Events {
				q := e.(*event.MarketQuote)
				require.Equal(t, "history", q.Source)
				require.Equal(t, tt.wantUnit, q.Unit)
				require.Equal(t, tt.wantKind, q.Kind)
				require.Equal(t, tt.wantAt, q.ObservedAt.Sub(q.ObservedAt.Truncate(24*time.Hour)))
			}
		})
	}
}

func TestHistoryJGB(t *testing.T) {
	obs, err := newParser(t, markets.FormatHistoryJGB, map[string]string{"tenor": "10y"})(feedtest.Testdata(t, "history_jgb_10y_2016-02.csv"), parseNow)
	require.NoError(t, err)
	checkDaily(t, obs)
	require.Len(t, obs.Events, 21)
	got := map[string]float64{}
	for _, e := range obs.Events {
		y := e.(*event.JGBYield)
		require.Equal(t, "mof", y.Source)
		require.Equal(t, "10Y", y.Tenor)
		require.Equal(t, 6*time.Hour, y.ObservedAt.Sub(y.ObservedAt.Truncate(24*time.Hour)))
		got[y.ObservedAt.Format(time.DateOnly)] = y.YieldPct
	}
	assert.Equal(t, 0.104, got["2016-01-29"])
	assert.Equal(t, 0.046, got["2016-02-08"])
	assert.Equal(t, -0.02, got["2016-02-09"], "the first negative 10-year yield")
	assert.Equal(t, -0.055, got["2016-02-29"])
}

// A backfilled observation has the id the live feed gives the same day:
// history-jgb's is mof-jgb's (MoF 10Y on 1 Dec 2025 = 1.881), and
// history-csv's with source fred is fred-csv's (DEXJPUS on 20 Nov 2025 =
// 157.41).
func TestHistoryIDsMatchTheLiveFeeds(t *testing.T) {
	idOf := func(t *testing.T, obs feed.Observations, key string, day string) string {
		t.Helper()
		for _, e := range obs.Events {
			if e.Key() == key && e.Header().ObservedAt.Format(time.DateOnly) == day {
				event.Seal(e, parseNow)
				return e.Header().ID
			}
		}
		t.Fatalf("no %s on %s", key, day)
		return ""
	}

	mofBody, err := os.ReadFile("../jgb/testdata/jgbcm_current_month_utf8.csv")
	require.NoError(t, err)
	mof, err := jgb.ParseMoF(mofBody, parseNow)
	require.NoError(t, err)
	hist, err := newParser(t, markets.FormatHistoryJGB, map[string]string{"tenor": "10Y"})([]byte("date,value\n2025-12-01,1.881\n"), parseNow)
	require.NoError(t, err)
	assert.Equal(t, idOf(t, mof, "10Y", "2025-12-01"), idOf(t, hist, "10Y", "2025-12-01"))

	fred, err := newParser(t, markets.FormatFRED, nil)(feedtest.Testdata(t, "usdjpy_fred.csv"), parseNow)
	require.NoError(t, err)
	hist, err = newParser(t, markets.FormatHistory, map[string]string{"instrument": "USDJPY", "source": "fred"})([]byte("date,value\n2025-11-20,157.41\n"), parseNow)
	require.NoError(t, err)
	assert.Equal(t, idOf(t, fred, "USDJPY", "2025-11-20"), idOf(t, hist, "USDJPY", "2025-11-20"))
}
