package grafana_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/testutil/chdbtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// The dashboards target current ClickHouse. These queries do not run, or do
// not mean anything, on servers without DateTime64 (before 20.1, such as
// Debian's 18.16), where timestamps are UInt64 Unix milliseconds: the
// plugin's time macros compare and bucket them as DateTime seconds. Every
// other ClickHouse query of the dashboards must also run on 18.16.
const (
	whyTimeMacros = "time macros ($__timeFilter, $__timeInterval, $__fromTime, $__toTime) expand to DateTime, the columns are UInt64 ms on 18.16"
	whyJSON       = "JSONExtract* functions arrived in 19.x"
	whyNow64      = "now64() and DateTime64 arithmetic arrived in 20.1"
)

var currentOnly = map[string]string{
	"carrywatch-risk/CLRI and regime bands/A":                       whyTimeMacros,
	"carrywatch-risk/Regime/A":                                      whyTimeMacros,
	"carrywatch-risk/Block contributions (index points, stacked)/A": whyTimeMacros,
	"carrywatch-risk/Block scores (0–1)/A":                          whyTimeMacros,
	"carrywatch-risk/Prints: triggers and drivers/A":                whyTimeMacros,
	"carrywatch-risk/Trigger activity/A":                            whyTimeMacros,
	"carrywatch-risk/Components at the latest print/A":              whyJSON,
	"carrywatch-risk/Venue incidents/Anno":                          whyTimeMacros,
	"carrywatch-risk/BTC and the ETF cost basis/A":                  whyTimeMacros,
	"carrywatch-risk/BTC and the ETF cost basis/B":                  whyTimeMacros,
	"carrywatch-pipeline/Latest observation per feed/A":             whyNow64,
	"carrywatch-pipeline/Incidents in the time range/A":             whyTimeMacros,
	"carrywatch-pipeline/Dead letters stored, by stage/A":           whyTimeMacros,
}

// timeRange is the dashboard time range and interval macros expand for.
type timeRange struct {
	From, To time.Time
	Interval time.Duration
}

func dateTime(t time.Time) string { return fmt.Sprintf("toDateTime(%d)", t.Unix()) }

// macros are the ClickHouse data source's macros the dashboards use, expanded
// exactly as the plugin does (grafana/clickhouse-datasource, pkg/macros).
var macros = map[string]func(r timeRange, args []string) (string, error){
	"fromTime": func(r timeRange, args []string) (string, error) {
		return dateTime(r.From), wantArgs(args, 0)
	},
	"toTime": func(r timeRange, args []string) (string, error) {
		return dateTime(r.To), wantArgs(args, 0)
	},
	"timeFilter": func(r timeRange, args []string) (string, error) {
		if err := wantArgs(args, 1); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s >= %s AND %s <= %s", args[0], dateTime(r.From), args[0], dateTime(r.To)), nil
	},
	"timeInterval": func(r timeRange, args []string) (string, error) {
		if err := wantArgs(args, 1); err != nil {
			return "", err
		}
		return fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL %d second)", args[0], max(int(r.Interval.Seconds()), 1)), nil
	},
}

func wantArgs(args []string, n int) error {
	if len(args) != n {
		return fmt.Errorf("want %d arguments, got %d", n, len(args))
	}
	return nil
}

// expandMacros replaces every $__name or $__name(args) in sql by its
// expansion for r. Arguments may hold parentheses. An unknown macro, or any
// "$" left afterwards (a dashboard variable this test cannot resolve), is an
// error.
func expandMacros(sql string, r timeRange) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(sql, "$__")
		if i < 0 {
			b.WriteString(sql)
			break
		}
		b.WriteString(sql[:i])
		rest := sql[i+len("$__"):]
		n := 0
		for n < len(rest) && (rest[n] == '_' || '0' <= rest[n] && rest[n] <= '9' || 'a' <= rest[n] && rest[n] <= 'z' || 'A' <= rest[n] && rest[n] <= 'Z') {
			n++
		}
		name := rest[:n]
		rest = rest[n:]
		var args []string
		if strings.HasPrefix(rest, "(") {
			depth, start, end := 0, 1, -1
		scan:
			for j := 0; j < len(rest); j++ {
				switch rest[j] {
				case '(':
					depth++
				case ')':
					depth--
					if depth == 0 {
						end = j
						break scan
					}
				case ',':
					if depth == 1 {
						args = append(args, strings.TrimSpace(rest[start:j]))
						start = j + 1
					}
				}
			}
			if end < 0 {
				return "", fmt.Errorf("$__%s: unbalanced parentheses", name)
			}
			if a := strings.TrimSpace(rest[start:end]); a != "" || len(args) > 0 {
				args = append(args, a)
			}
			rest = rest[end+1:]
		}
		m, ok := macros[name]
		if !ok {
			return "", fmt.Errorf("$__%s: unknown macro", name)
		}
		s, err := m(r, args)
		if err != nil {
			return "", fmt.Errorf("$__%s: %w", name, err)
		}
		b.WriteString(s)
		sql = rest
	}
	out := b.String()
	if i := strings.Index(out, "$"); i >= 0 {
		return "", fmt.Errorf("unexpanded variable at %q", out[i:min(len(out), i+20)])
	}
	return out, nil
}

func TestExpandMacros(t *testing.T) {
	r := timeRange{From: time.Unix(1700000000, 0), To: time.Unix(1700003600, 0), Interval: 30 * time.Second}
	got, err := expandMacros("SELECT $__timeInterval(observed_at) AS time FROM t WHERE $__timeFilter(toDateTime(x, 'UTC')) AND y <= $__toTime AND y >= $__fromTime", r)
	require.NoError(t, err)
	assert.Equal(t, "SELECT toStartOfInterval(toDateTime(observed_at), INTERVAL 30 second) AS time FROM t "+
		"WHERE toDateTime(x, 'UTC') >= toDateTime(1700000000) AND toDateTime(x, 'UTC') <= toDateTime(1700003600) "+
		"AND y <= toDateTime(1700003600) AND y >= toDateTime(1700000000)", got)

	r.Interval = 10 * time.Millisecond
	got, err = expandMacros("$__timeInterval( c )", r)
	require.NoError(t, err)
	assert.Equal(t, "toStartOfInterval(toDateTime(c), INTERVAL 1 second)", got, "at least one second, as the plugin")

	for _, bad := range []string{"$__timeFilter()", "$__timeFilter(a, b)", "$__timeFilter(a", "$__nope(a)", "WHERE x = $var", "$__toTime(x)"} {
		_, err := expandMacros(bad, r)
		assert.Error(t, err, bad)
	}
}

// row is one fixture row. time.Time values are converted for the server's
// dialect (DateTime64 or UInt64 ms), *time.Time too (nil is NULL).
type row struct {
	table string
	cols  string
	vals  []any
}

func (r row) insertSQL(d chschema.Dialect) string {
	lits := make([]string, len(r.vals))
	for i, v := range r.vals {
		switch tv := v.(type) {
		case time.Time:
			v = d.Time(tv)
		case *time.Time:
			v = d.NullableTime(tv)
		}
		lits[i] = chdbtest.Literal(v)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) SELECT %s", r.table, r.cols, strings.Join(lits, ", "))
}

const (
	colsMeta  = "id, source, observed_at, ingested_at, stream_seq, "
	colsPrint = colsMeta + "`index`, regime, triggers, drivers, block_names, block_scores, block_contributions, " +
		"model_version, calibration_hash, watermark_seq, watermark_time, explanation, etf_cost_basis_usd"
	colsVenue = colsMeta + "venue, incident_id, action, severity, status, title, components, started_at, resolved_at"
	colsDLQ   = colsMeta + "stage, original_subject, reason, code, payload, original_seq"
	colsQuote = colsMeta + "instrument, value, unit, kind, derived_from"
)

// fixtures are a few rows of every kind around now: two prints (the second
// delivered twice), an open and a resolved incident, two dead letters (the
// second delivered twice), one observation per feed and market quotes (a
// USDJPY fixing delivered twice, a UST2Y close with a JGB 2Y yield of the
// same time, two BTC-USD quotes, a VIX close).
func fixtures(t *testing.T, now time.Time) []row {
	t.Helper()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	resolved := ago(40 * time.Minute)
	explanation, err := json.Marshal(map[string]any{
		"schema": "cw.risk.score/v1", "index": 63.5, "regime": "elevated",
		"components": []map[string]any{
			{"name": "E1", "block": "E", "raw": 1, "score": 0.9, "as_of": ago(15 * time.Minute), "age_seconds": 300, "confidence": 1},
			{"name": "A4", "block": "A", "score": 0.5, "as_of": ago(20 * time.Hour), "age_seconds": 72000, "confidence": 0.9},
		},
	})
	require.NoError(t, err)
	// The first print is a clri-v1 one (four blocks, no cost basis), the
	// second a clri-v2 one: a table keeps the prints of both versions.
	blocksV1 := []string{"A", "B", "C", "E"}
	print2 := row{"risk_scores", colsPrint, []any{"p2", "carrywatch", ago(10 * time.Minute), ago(10 * time.Minute), uint64(2),
		63.5, "elevated", []string{"VENUE_DOWN"}, []string{"E", "A", "B"}, []string{"A", "B", "C", "D", "E", "X"},
		[]float64{0.5, 0.4, 0.2, 0.6, 0.9, 0.5}, []float64{20, 10.5, 4, 6, 20, 3}, "clri-v2", "h2", uint64(20), ago(10 * time.Minute), string(explanation),
		89612.5}}
	dl2 := row{"dead_letters", colsDLQ, []any{"d2", "carrywatch", ago(5 * time.Minute), ago(5 * time.Minute), uint64(2),
		"ingest", "", "mof-jgb-current: no yield table in the body", "bad_format", "<html>maintenance</html>", uint64(0)}}
	usdjpy := row{"market_quotes", colsQuote, []any{"q1", "ecb", ago(50 * time.Minute), ago(50 * time.Minute), uint64(8),
		"USDJPY", 157.41, "JPY per USD", "fixing", "EURJPY/EURUSD"}}
	return []row{
		{"jgb_yields", colsMeta + "tenor, tenor_months, yield_pct", []any{"j1", "mof", ago(26 * time.Hour), ago(20 * time.Hour), uint64(1), "10Y", 120, 1.86}},
		{"jgb_yields", colsMeta + "tenor, tenor_months, yield_pct", []any{"j2", "jgb-csv", ago(40 * time.Minute), ago(40 * time.Minute), uint64(9), "2Y", 24, 1.0}},
		usdjpy, usdjpy,
		{"market_quotes", colsQuote, []any{"q2", "fred", ago(40 * time.Minute), ago(40 * time.Minute), uint64(10), "UST2Y", 3.49, "percent", "close", ""}},
		{"market_quotes", colsQuote, []any{"q3", "coinbase", ago(30 * time.Minute), ago(30 * time.Minute), uint64(11), "BTC-USD", 84826.0, "USD", "last", ""}},
		{"market_quotes", colsQuote, []any{"q4", "coinbase", ago(10 * time.Minute), ago(10 * time.Minute), uint64(12), "BTC-USD", 85133.92, "USD", "last", ""}},
		{"market_quotes", colsQuote, []any{"q5", "cboe", ago(40 * time.Minute), ago(40 * time.Minute), uint64(13), "VIX", 23.43, "points", "close", ""}},
		{"fed_odds", colsMeta + "meeting, change_bp, probability, expected_change_bp", []any{"f1", "kalshi", ago(3 * time.Hour), ago(3 * time.Hour), uint64(2),
			"2025-12-10", []int{-25, 0}, []float64{0.85, 0.15}, -21.25}},
		{"etf_flows", colsMeta + "asset, ticker, trade_date, flow_usd, aum_usd", []any{"e1", "farside", ago(12 * time.Hour), ago(12 * time.Hour), uint64(3),
			"BTC", "TOTAL", "2025-11-20", -903.2e6, 112.5e9}},
		{"risk_scores", colsPrint, []any{"p1", "carrywatch", ago(30 * time.Minute), ago(30 * time.Minute), uint64(1),
			35.2, "calm", []string{}, []string{"A", "B"}, blocksV1,
			[]float64{0.3, 0.2, 0.1, 0}, []float64{20.1, 10.1, 5, 0}, "clri-v1", "h1", uint64(10), ago(30 * time.Minute), "{}", (*float64)(nil)}},
		print2, print2,
		{"venue_status", colsVenue, []any{"v1", "binance", ago(20 * time.Minute), ago(20 * time.Minute), uint64(4),
			"binance", "bn-1", "open", "partial", "investigating", "Spot trading degraded", []string{"Spot"}, ago(20 * time.Minute), (*time.Time)(nil)}},
		{"venue_status", colsVenue, []any{"v2", "binance", ago(15 * time.Minute), ago(15 * time.Minute), uint64(5),
			"binance", "bn-1", "update", "major", "identified", "Spot trading halted", []string{"Spot", "Margin"}, ago(20 * time.Minute), (*time.Time)(nil)}},
		{"venue_status", colsVenue, []any{"v3", "manual", ago(50 * time.Minute), ago(50 * time.Minute), uint64(6),
			"cme", "globex-1", "open", "halt", "", "Globex halt", []string{"Globex"}, ago(50 * time.Minute), (*time.Time)(nil)}},
		{"venue_status", colsVenue, []any{"v4", "manual", resolved, resolved, uint64(7),
			"cme", "globex-1", "resolve", "none", "resolved", "Globex halt", []string{"Globex"}, ago(50 * time.Minute), &resolved}},
		{"dead_letters", colsDLQ, []any{"d1", "carrywatch", ago(25 * time.Minute), ago(25 * time.Minute), uint64(1),
			"sink", "cw.events.jgb.yield.10Y", "yield_pct: not a finite number", "not_finite", `{"yield_pct":"NaN"}`, uint64(42)}},
		dl2, dl2,
	}
}

// expect is what a query returns on the fixtures: the number of rows and
// some columns of the first row, as text.
type expect struct {
	rows  int
	first map[string]string
}

// expectations are keyed like currentOnly. Timestamps read back as
// "2006-01-02 15:04:05.000" with DateTime64, as Unix ms without.
func expectations(d chschema.Dialect, now time.Time) map[string]expect {
	ts := func(t time.Time) string {
		if d.DateTime64 {
			return t.Format("2006-01-02 15:04:05.000")
		}
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return map[string]expect{
		// The latest print, once although delivered twice.
		"carrywatch-risk/CLRI now/A":                                    {1, map[string]string{"CLRI": "63.5", "time": ts(now.Add(-10 * time.Minute))}},
		"carrywatch-risk/Regime now/A":                                  {1, map[string]string{"regime": "elevated"}},
		"carrywatch-risk/Active triggers/A":                             {1, map[string]string{"active_triggers": "VENUE_DOWN"}},
		"carrywatch-risk/Top drivers/A":                                 {1, map[string]string{"top_drivers": "E infrastructure, A carry, B Fed path"}},
		"carrywatch-risk/CLRI and regime bands/A":                       {2, map[string]string{"CLRI": "35.2", "peak": "35.2"}},
		"carrywatch-risk/Regime/A":                                      {2, map[string]string{"regime": "calm"}},
		"carrywatch-risk/Block contributions (index points, stacked)/A": {10, map[string]string{"block": "A carry", "contribution": "20.1"}},
		"carrywatch-risk/Block scores (0–1)/A":                          {10, map[string]string{"block": "A carry", "score": "0.3"}},
		"carrywatch-risk/Prints: triggers and drivers/A":                {2, map[string]string{"CLRI": "63.5", "regime": "elevated", "active_triggers": "VENUE_DOWN", "top_drivers": "E, A, B"}},
		"carrywatch-risk/Trigger activity/A":                            {1, map[string]string{"trigger_name": "VENUE_DOWN", "prints": "1"}},
		"carrywatch-risk/Components at the latest print/A":              {2, map[string]string{"block": "A carry", "component": "A4", "meaning": "yen shock", "score": "0.5", "raw": "<nil>"}},
		"carrywatch-risk/Venue incidents/Anno":                          {2, nil},
		"carrywatch-pipeline/Latest observation per feed/A":             {5, map[string]string{"feed": "JGB yields", "source": "mof", "last_observed_at": ts(now.Add(-26 * time.Hour))}},
		// Markets: the USDJPY fixing once although delivered twice; the
		// gap 3.49 - 1.0; one BTC-USD point per minute with a quote.
		"carrywatch-risk/USDJPY/A":                     {1, map[string]string{"USDJPY": "157.41"}},
		"carrywatch-risk/UST2Y − JGB2Y/A":              {1, map[string]string{"UST2Y−JGB2Y": "2.49"}},
		"carrywatch-risk/BTC and the ETF cost basis/A": {2, map[string]string{"BTC-USD": "84826"}},
		// Only the clri-v2 print carries a cost basis.
		"carrywatch-risk/BTC and the ETF cost basis/B": {1, map[string]string{"ETF cost basis": "89612.5"}},
		"carrywatch-risk/VIX/A":                        {1, map[string]string{"VIX": "23.43"}},
		// Binance only: the CME halt is resolved; its latest step says major.
		"carrywatch-pipeline/Open incidents/A": {1, map[string]string{
			"venue": "binance", "incident_id": "bn-1", "severity": "major", "status": "identified",
			"title": "Spot trading halted", "affected": "Spot, Margin", "since": ts(now.Add(-20 * time.Minute)),
		}},
		"carrywatch-pipeline/Incidents in the time range/A":   {2, map[string]string{"venue": "binance", "state": "open", "severity": "major"}},
		"carrywatch-pipeline/Dead letters stored, by stage/A": {2, map[string]string{"stage": "sink", "letters": "1"}},
		// Latest first, the redelivered one once.
		"carrywatch-pipeline/Latest dead letters/A": {2, map[string]string{
			"stage": "ingest", "code": "bad_format", "reason": "mof-jgb-current: no yield table in the body",
			"payload_start": "<html>maintenance</html>", "time": ts(now.Add(-5 * time.Minute)),
		}},
	}
}

// TestQueryListsNameDashboardQueries keeps currentOnly and the expectations
// in step with the dashboards: every key names a ClickHouse query and every
// query has an expectation.
func TestQueryListsNameDashboardQueries(t *testing.T) {
	keys := map[string]bool{}
	for _, q := range queriesOn(t, typeClickHouse) {
		assert.False(t, keys[q.Key], "two ClickHouse queries are %s: give panels unique titles", q.Key)
		keys[q.Key] = true
	}
	for k := range currentOnly {
		assert.True(t, keys[k], "currentOnly names %s, which is not a dashboard query", k)
	}
	want := expectations(chschema.Current, time.Now())
	for k := range want {
		assert.True(t, keys[k], "expectations name %s, which is not a dashboard query", k)
	}
	for k := range keys {
		assert.Contains(t, want, k, "no expectation for %s", k)
	}
}

// checkResults compares each query's rows with its expectation; every query
// must return rows on the fixtures.
func checkResults(t *testing.T, want map[string]expect, got map[string][]map[string]string) {
	t.Helper()
	for key, rows := range got {
		e, ok := want[key]
		if !ok {
			continue // reported by TestQueryListsNameDashboardQueries
		}
		if !assert.Len(t, rows, e.rows, "%s: rows %v", key, rows) || len(rows) == 0 {
			continue
		}
		for col, v := range e.first {
			assert.Equal(t, v, rows[0][col], "%s: column %s of the first row %v", key, col, rows[0])
		}
	}
}

// testRange returns the dashboard time range the queries expand for: the
// hour before now, 1-minute intervals.
func testRange(now time.Time) timeRange {
	return timeRange{From: now.Add(-time.Hour), To: now, Interval: time.Minute}
}

// TestClickHouseQueriesOnCurrent runs every ClickHouse query of the
// dashboards on current ClickHouse (chdb), on the schema the migrations
// create for it, over the fixtures.
func TestClickHouseQueriesOnCurrent(t *testing.T) {
	const db = "carrywatch" // the data source's default database
	now := time.Now().UTC().Truncate(time.Second)
	migs, err := chschema.Render(chschema.Current, chschema.Target{Database: db})
	require.NoError(t, err)

	stmts := []string{"CREATE DATABASE IF NOT EXISTS " + db, "USE " + db}
	for _, m := range migs {
		stmts = append(stmts, m.Statements...)
	}
	for _, r := range fixtures(t, now) {
		stmts = append(stmts, r.insertSQL(chschema.Current))
	}
	setup := len(stmts)
	qs := queriesOn(t, typeClickHouse)
	for _, q := range qs {
		sql, err := expandMacros(q.Target.RawSQL, testRange(now))
		require.NoError(t, err, q.Key)
		stmts = append(stmts, sql)
	}

	res, err := chdbtest.Run(t, "the dashboard queries on current ClickHouse", "", nil, stmts)
	require.NoError(t, err)
	for i := range setup {
		require.True(t, res[i].OK, "chdb setup statement failed: %s\n%s", res[i].Error, stmts[i])
	}
	got := map[string][]map[string]string{}
	for i, q := range qs {
		r := res[setup+i]
		if !r.OK {
			t.Errorf("%s failed on current ClickHouse: %s\n%s", q.Key, r.Error, stmts[setup+i])
			continue
		}
		var rows []map[string]string
		for _, raw := range r.Rows {
			m := map[string]string{}
			for k, v := range raw {
				m[k] = fmt.Sprint(v)
			}
			rows = append(rows, m)
		}
		got[q.Key] = rows
	}
	checkResults(t, expectations(chschema.Current, now), got)
}

// TestClickHouseQueriesOnServer runs the dashboards' queries on the test
// server (Debian's 18.16, or CLICKHOUSE_TEST_ADDR) over the same fixtures:
// all of them on a server with DateTime64, the others everywhere.
func TestClickHouseQueriesOnServer(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Second)
	for _, r := range fixtures(t, now) {
		sql := r.insertSQL(db.Dialect)
		require.NoError(t, db.Conn.Exec(ctx, sql), sql)
	}
	got := map[string][]map[string]string{}
	ran := 0
	for _, q := range queriesOn(t, typeClickHouse) {
		if why, ok := currentOnly[q.Key]; ok && !db.Dialect.DateTime64 {
			t.Logf("not on %s: %s (%s)", db.Dialect.Version, q.Key, why)
			continue
		}
		sql, err := expandMacros(q.Target.RawSQL, testRange(now))
		require.NoError(t, err, q.Key)
		rows, err := queryRows(t, db, sql)
		if err != nil {
			t.Errorf("%s failed on ClickHouse %s: %v\n%s", q.Key, db.Dialect.Version, err, sql)
			continue
		}
		got[q.Key] = rows
		ran++
	}
	t.Logf("%d dashboard queries ran on ClickHouse %s", ran, db.Dialect.Version)
	require.Positive(t, ran)
	checkResults(t, expectations(db.Dialect, now), got)
}

// queryRows runs sql and returns its rows with every value as text: NULL as
// "<nil>", timestamps as "2006-01-02 15:04:05.000".
func queryRows(t *testing.T, db *chtest.DB, sql string) ([]map[string]string, error) {
	t.Helper()
	rows, err := db.Conn.Query(t.Context(), sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var out []map[string]string
	for rows.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		m := map[string]string{}
		for i, ct := range types {
			m[ct.Name()] = text(reflect.ValueOf(dest[i]).Elem())
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func text(v reflect.Value) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "<nil>"
		}
		v = v.Elem()
	}
	if tm, ok := v.Interface().(time.Time); ok {
		return tm.UTC().Format("2006-01-02 15:04:05.000")
	}
	return fmt.Sprint(v.Interface())
}
