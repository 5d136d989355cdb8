package chschema_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/testutil/chdbtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// The market views' answers over the fixtures and marketHistory: USDJPY
// 156.63 on 19 Nov and 157.41 on 20 Nov 2025; UST 2Y 4.23 % and JGB 2Y
// 0.048 % on 29 Dec 2023.
var (
	wantGap      = "2023-12-29 4.23 0.048 " + fmt.Sprint(4.23-0.048)
	wantReturn   = math.Log(157.41 / 156.63)
	wantLatest   = []string{"UST2Y 4.23 percent", "USDJPY 157.41 JPY per USD"}
	marketViewsQ = map[string]string{
		"gap":     "SELECT toString(observed_date) AS d, ust_2y_pct, jgb_2y_pct, gap_pct FROM %s.v_us_japan_2y_gap",
		"returns": "SELECT toString(observed_date) AS d, close, prev_close, log_return FROM %s.v_usdjpy_returns",
		"latest":  "SELECT instrument, value, unit FROM %s.v_market_latest ORDER BY instrument DESC",
		"daily":   "SELECT count() AS n FROM %s.v_market_daily",
	}
)

// TestMarketViewsOnServer reads every market view on the test server (18.16
// here) and checks its values.
func TestMarketViewsOnServer(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	for range 2 { // a redelivery changes nothing
		for _, f := range append(fixtures(), marketHistory()...) {
			insertFixture(ctx, t, db, f)
		}
	}
	var d string
	var ust, jgb, gap float64
	require.NoError(t, db.Conn.QueryRow(ctx, fmt.Sprintf(marketViewsQ["gap"], db.Database)).Scan(&d, &ust, &jgb, &gap))
	assert.Equal(t, wantGap, fmt.Sprint(d, " ", ust, " ", jgb, " ", gap))

	var closeV, prev, ret float64
	require.NoError(t, db.Conn.QueryRow(ctx, fmt.Sprintf(marketViewsQ["returns"], db.Database)).Scan(&d, &closeV, &prev, &ret))
	assert.Equal(t, "2025-11-20 157.41 156.63", fmt.Sprint(d, " ", closeV, " ", prev))
	assert.InDelta(t, wantReturn, ret, 1e-12)

	rows, err := db.Conn.Query(ctx, fmt.Sprintf(marketViewsQ["latest"], db.Database))
	require.NoError(t, err)
	var latest []string
	for rows.Next() {
		var inst, unit string
		var v float64
		require.NoError(t, rows.Scan(&inst, &v, &unit))
		latest = append(latest, fmt.Sprint(inst, " ", v, " ", unit))
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, wantLatest, latest)
	assert.Equal(t, uint64(3), chtest.Count(t, db, fmt.Sprintf(marketViewsQ["daily"], db.Database)), "one row per instrument and date")
}

// TestMarketViewsOnChdb reads the same views on current ClickHouse.
func TestMarketViewsOnChdb(t *testing.T) {
	const db = "carrywatch"
	stmts := chdbtest.Schema(t, db)
	for range 2 {
		for _, f := range append(fixtures(), marketHistory()...) {
			stmts = append(stmts, insertSQL(db, f, chschema.Current))
		}
	}
	q := map[string]int{}
	for name, sql := range marketViewsQ {
		q[name] = len(stmts)
		stmts = append(stmts, fmt.Sprintf(sql, db))
	}
	res := runChdb(t, stmts)

	gap := res[q["gap"]].Rows
	require.Len(t, gap, 1)
	assert.Equal(t, wantGap, fmt.Sprint(gap[0]["d"], " ", gap[0]["ust_2y_pct"], " ", gap[0]["jgb_2y_pct"], " ", gap[0]["gap_pct"]))
	ret := res[q["returns"]].Rows
	require.Len(t, ret, 1)
	assert.Equal(t, "2025-11-20 157.41 156.63", fmt.Sprint(ret[0]["d"], " ", ret[0]["close"], " ", ret[0]["prev_close"]))
	assert.InDelta(t, wantReturn, ret[0]["log_return"], 1e-12)
	var latest []string
	for _, r := range res[q["latest"]].Rows {
		latest = append(latest, fmt.Sprint(r["instrument"], " ", r["value"], " ", r["unit"]))
	}
	assert.Equal(t, wantLatest, latest)
	assert.EqualValues(t, "3", fmt.Sprint(res[q["daily"]].Rows[0]["n"]))
}
