package main

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/history"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// startSink runs a sink from the NATS server at natsURL into db until the
// test ends.
func startSink(t *testing.T, natsURL string, db *chtest.DB) {
	t.Helper()
	ctx := context.Background()
	natsCfg := natsfx.DefaultConfig()
	natsCfg.URL = natsURL
	bus := natsfx.New(natsCfg, chtest.Logger(t))
	require.NoError(t, bus.Start(ctx))
	t.Cleanup(func() { _ = bus.Stop(context.Background()) })
	ch := chtest.Client(t, db)
	cfg := sink.DefaultConfig()
	cfg.BatchMaxWait = 100 * time.Millisecond
	s, err := sink.New(cfg, bus, ch, prometheus.NewRegistry(), chtest.Logger(t))
	require.NoError(t, err)
	require.NoError(t, s.Start(ctx))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Stop(stopCtx)
	})
}

// countsBy returns key → count() of a view grouped by one column.
func countsBy(t *testing.T, db *chtest.DB, view, column string) map[string]uint64 {
	t.Helper()
	rows, err := db.Conn.Query(context.Background(), "SELECT "+column+", count() FROM "+db.Database+"."+view+" GROUP BY "+column)
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	out := map[string]uint64{}
	for rows.Next() {
		var k string
		var n uint64
		require.NoError(t, rows.Scan(&k, &n))
		out[k] = n
	}
	require.NoError(t, rows.Err())
	return out
}

// storedRow is one row read back from v_market_quotes or v_jgb_yields.
type storedRow struct {
	id, source string
	observedAt time.Time
	value      float64
}

// storedRows reads the rows of view where column = key, by observation time.
func storedRows(t *testing.T, db *chtest.DB, view, valueCol, column, key string) []storedRow {
	t.Helper()
	q := "SELECT id, source, " + db.Dialect.MillisExpr("observed_at") + " AS obs, " + valueCol +
		" FROM " + db.Database + "." + view + " WHERE " + column + " = ? ORDER BY obs"
	rows, err := db.Conn.Query(context.Background(), q, key)
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	var out []storedRow
	for rows.Next() {
		var r storedRow
		var obs int64
		require.NoError(t, rows.Scan(&r.id, &r.source, &obs, &r.value))
		r.observedAt = time.UnixMilli(obs).UTC()
		out = append(out, r)
	}
	require.NoError(t, rows.Err())
	return out
}

// The embedded history, backfilled with no file, is stored row for row:
// each series' README row count per instrument or tenor, every value the
// file's text as a float64 at the source's time of day, and a second
// backfill adds nothing.
func TestFeedBackfillHistoryStoresEveryRowOnce(t *testing.T) {
	ns, js := cliNATS(t)
	db := chtest.New(t)
	startSink(t, ns.URL, db)
	ctx := context.Background()

	series := history.Events()
	wantQuotes, wantJGB, total := map[string]uint64{}, map[string]uint64{}, 0
	wantSeries := map[string]int{}
	for _, s := range series {
		if s.Instrument != "" {
			wantQuotes[s.Instrument] = uint64(s.Rows)
		} else {
			wantJGB[s.Tenor] = uint64(s.Rows)
		}
		wantSeries[s.Name] = s.Rows
		total += s.Rows
	}
	require.Equal(t, 40620, total, "6129 × 2 JGB + 6269 USDJPY + 6254 × 2 UST + 3283 BTC-USD + 6302 VIX")

	out, _, err := run(t, ctx, "feed", "backfill", "--history")
	require.NoError(t, err)
	var rep backfillReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, backfillReport{Parsed: total, Published: total, Duplicates: 0, Series: wantSeries}, rep)

	require.Eventually(t, func() bool {
		return chtest.Count(t, db, "SELECT count() FROM "+db.Database+".v_market_quotes") == uint64(total-6129*2) &&
			chtest.Count(t, db, "SELECT count() FROM "+db.Database+".v_jgb_yields") == 6129*2
	}, 5*time.Minute, 250*time.Millisecond, "every row stored")
	assert.Equal(t, wantQuotes, countsBy(t, db, "v_market_quotes", "instrument"))
	assert.Equal(t, wantJGB, countsBy(t, db, "v_jgb_yields", "tenor"))

	out, _, err = run(t, ctx, "feed", "backfill", "--history")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, backfillReport{Parsed: total, Published: total, Duplicates: total, Series: wantSeries}, rep)
	st, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	assert.Equal(t, uint64(total), st.CachedInfo().State.Msgs, "JetStream kept one copy of each")
	cons, err := js.Consumer(ctx, natsfx.StreamEvents, "sink-events")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		info, err := cons.Info(ctx)
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0
	}, 2*time.Minute, 100*time.Millisecond, "the sink consumed everything")
	assert.Equal(t, uint64(total-6129*2), chtest.Count(t, db, "SELECT count() FROM "+db.Database+".market_quotes"),
		"no row twice, even before merges")
	assert.Equal(t, uint64(6129*2), chtest.Count(t, db, "SELECT count() FROM "+db.Database+".jgb_yields"))

	at := map[string]time.Duration{"USDJPY": 17 * time.Hour, "2Y": 6 * time.Hour, "10Y": 6 * time.Hour}
	for _, s := range series {
		t.Run(s.Name, func(t *testing.T) {
			var got []storedRow
			key := s.Instrument
			if key != "" {
				got = storedRows(t, db, "v_market_quotes", "value", "instrument", key)
			} else {
				key = s.Tenor
				got = storedRows(t, db, "v_jgb_yields", "yield_pct", "tenor", key)
			}
			hour, ok := at[key]
			if !ok {
				hour = 21 * time.Hour
			}
			vs, err := s.Values()
			require.NoError(t, err)
			require.Len(t, got, len(vs))
			for i, v := range vs {
				want, err := strconv.ParseFloat(v.Text, 64)
				require.NoError(t, err)
				obs := v.Date.Add(hour)
				require.Equal(t, storedRow{id: event.NewID(s.Source, key, obs), source: s.Source, observedAt: obs, value: want}, got[i],
					"%s line %d: %s,%s", s.File(), i+2, v.Date.Format(time.DateOnly), v.Text)
			}
		})
	}
}

func TestFeedBackfillHistoryRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown series", args: []string{"feed", "backfill", "--history", "eurusd"}, want: `unknown history series "eurusd"`},
		{name: "calibration input", args: []string{"feed", "backfill", "--history", "usdjpy", "fed_funds_effr"},
			want: `history series "fed_funds_effr" is a calibration input, not events (event series: jgb_2y, jgb_10y, usdjpy, ust_2y, ust_10y, btc_usd, vix)`},
		{name: "with a format", args: []string{"feed", "backfill", "--history", "--format", "fred-csv"},
			want: "--history reads the embedded files: give series names, not --format or --param"},
		{name: "neither", args: []string{"feed", "backfill", mofFile}, want: `required flag(s) "format" not set (or use --history)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CW_NATS_URL", "nats://127.0.0.1:1") // nothing listens: the arguments fail first
			out, _, err := run(t, context.Background(), tt.args...)
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
			assert.Empty(t, out)
		})
	}
}

// Named series only, each once, published in observation-time order.
func TestFeedBackfillHistorySeries(t *testing.T) {
	_, js := cliNATS(t)
	ctx := context.Background()

	out, _, err := run(t, ctx, "feed", "backfill", "--history", "vix", "usdjpy", "vix")
	require.NoError(t, err)
	var rep backfillReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, backfillReport{Parsed: 6302 + 6269, Published: 6302 + 6269, Series: map[string]int{"vix": 6302, "usdjpy": 6269}}, rep)

	st, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	require.Equal(t, uint64(6302+6269), st.CachedInfo().State.Msgs)
	var got []string
	for seq := uint64(1); seq <= 2; seq++ {
		msg, err := st.GetMsg(ctx, seq)
		require.NoError(t, err)
		ev, err := event.Parse(msg.Data, time.Now())
		require.NoError(t, err)
		q := ev.(*event.MarketQuote)
		got = append(got, q.Instrument+" "+q.ObservedAt.Format(time.RFC3339)+" "+strconv.FormatFloat(q.Value, 'f', -1, 64))
	}
	assert.Equal(t, []string{"USDJPY 1999-01-04T17:00:00Z 112.15", "VIX 1999-01-04T21:00:00Z 26.17"}, got,
		"the 17:00 fixing before the 21:00 close of the same day")
}
