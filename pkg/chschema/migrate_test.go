package chschema_test

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

var (
	wantTables = []string{"dead_letters", "etf_flows", "fed_odds", "jgb_yields", "market_quotes", "risk_scores", "schema_migrations", "venue_status"}
	wantViews  = []string{
		"v_dead_letters", "v_etf_flows", "v_etf_flows_total", "v_fed_odds", "v_fed_odds_outcomes",
		"v_jgb_curve", "v_jgb_yields", "v_market_daily", "v_market_latest", "v_market_quotes", "v_risk_index",
		"v_risk_scores", "v_us_japan_2y_gap", "v_usdjpy_returns", "v_venue_incidents", "v_venue_status",
	}
)

// objects returns the tables and views of db by engine kind, sorted.
func objects(t *testing.T, conn driver.Conn, db string) (tables, views []string) {
	t.Helper()
	rows, err := conn.Query(t.Context(), "SELECT name, engine FROM system.tables WHERE database = ? ORDER BY name", db)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var name, engine string
		require.NoError(t, rows.Scan(&name, &engine))
		if engine == "View" {
			views = append(views, name)
		} else {
			tables = append(tables, name)
		}
	}
	require.NoError(t, rows.Err())
	return tables, views
}

func TestMigrateCreatesEveryTableAndView(t *testing.T) {
	db := chtest.New(t)
	tables, views := objects(t, db.Conn, db.Database)
	assert.Equal(t, wantTables, tables)
	assert.Equal(t, wantViews, views)
	for _, v := range wantViews {
		assert.Zero(t, chtest.Count(t, db, "SELECT count() FROM "+v), v)
	}
	assert.Equal(t, uint64(12), chtest.Count(t, db, "SELECT count() FROM schema_migrations FINAL"))
}

func TestMigrateConcurrent(t *testing.T) {
	db := chtest.NewEmpty(t)
	ctx := t.Context()
	cfg := chfx.Config{Addr: []string{db.Addr}}

	// Two "processes": separate connection pools, started together.
	var wg sync.WaitGroup
	results := make([][]chschema.Migration, 2)
	errs := make([]error, 2)
	startGate := make(chan struct{})
	for i := range 2 {
		conn, err := chfx.Open(ctx, cfg)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGate
			results[i], errs[i] = chschema.Migrate(ctx, conn, chschema.Target{Database: db.Database}, db.Dialect, chtest.Logger(t))
		}()
	}
	close(startGate)
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.GreaterOrEqual(t, len(results[0])+len(results[1]), 11, "every migration applied by at least one")

	third, err := chschema.Migrate(ctx, db.Conn, chschema.Target{Database: db.Database}, db.Dialect, chtest.Logger(t))
	require.NoError(t, err)
	assert.Empty(t, third, "third run applies nothing")

	q := func(query string) uint64 {
		return chtest.Count(t, db, "SELECT "+query)
	}
	sm := db.Database + ".schema_migrations"
	assert.Equal(t, uint64(12), q("count() FROM "+sm), "physical rows")
	assert.Equal(t, uint64(12), q("count() FROM "+sm+" FINAL"))
	assert.Equal(t, uint64(12), q("uniqExact(version) FROM "+sm))
	assert.Equal(t, uint64(len(wantTables)+len(wantViews)),
		chtest.Count(t, db, "SELECT count() FROM system.tables WHERE database = ?", db.Database))
	tables, views := objects(t, db.Conn, db.Database)
	assert.Equal(t, wantTables, tables)
	assert.Equal(t, wantViews, views)

	// The records carry the files' names and checksums.
	migs, err := chschema.Render(db.Dialect, chschema.Target{Database: db.Database})
	require.NoError(t, err)
	rows, err := db.Conn.Query(ctx, "SELECT version, name, checksum FROM "+sm+" FINAL ORDER BY version")
	require.NoError(t, err)
	defer rows.Close()
	i := 0
	for rows.Next() {
		var v uint32
		var name, sum string
		require.NoError(t, rows.Scan(&v, &name, &sum))
		require.Less(t, i, len(migs))
		assert.Equal(t, uint32(migs[i].Version), v)
		assert.Equal(t, migs[i].Name, name)
		assert.Equal(t, migs[i].Checksum, sum)
		i++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, len(migs), i)
}

func TestMigrateChecksumMismatch(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	// An earlier applied_at wins the ReplacingMergeTree (first apply kept),
	// so FINAL now sees this tampered record for 0003.
	b, err := db.Conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, checksum, applied_at)")
	require.NoError(t, err)
	require.NoError(t, b.Append(uint32(3), "0003_create_etf_flows", "0000tampered", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)))
	require.NoError(t, b.Send())

	applied, err := chschema.Migrate(ctx, db.Conn, chschema.Target{Database: db.Database}, db.Dialect, chtest.Logger(t))
	require.ErrorIs(t, err, chschema.ErrChecksumMismatch)
	assert.Contains(t, err.Error(), "migrate 0003_create_etf_flows")
	assert.Empty(t, applied)
}

func TestMigrateKeepsFirstApply(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	var first time.Time
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT applied_at FROM schema_migrations FINAL WHERE version = 1").Scan(&first))
	// A later duplicate record (a concurrent migrator) must not replace it.
	b, err := db.Conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, checksum, applied_at)")
	require.NoError(t, err)
	require.NoError(t, b.Append(uint32(1), "0001_create_jgb_yields", "later", first.Add(time.Hour)))
	require.NoError(t, b.Send())
	require.NoError(t, db.Conn.Exec(ctx, "OPTIMIZE TABLE schema_migrations FINAL"))

	var got time.Time
	var sum string
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT applied_at, checksum FROM schema_migrations WHERE version = 1").Scan(&got, &sum))
	assert.True(t, first.Equal(got), "applied_at %s, want %s", got, first)
	assert.NotEqual(t, "later", sum)
}

// objectCount returns how many tables and views migs leave in a database:
// schema_migrations and each one a statement creates, once, however often
// later migrations drop and create it again.
func objectCount(migs []chschema.Migration) int {
	created := map[string]bool{chschema.MigrationsTable: true}
	for _, m := range migs {
		for _, s := range m.Statements {
			if f := strings.Fields(s); f[0] == "CREATE" {
				created[f[5]] = true // CREATE TABLE|VIEW IF NOT EXISTS <db>.<name>
			}
		}
	}
	return len(created)
}

// insertFixture appends f's row with a clickhouse-go batch naming its
// columns, as the sink does.
func insertFixture(ctx context.Context, t *testing.T, db *chtest.DB, f fixture) {
	t.Helper()
	b, err := db.Conn.PrepareBatch(ctx, "INSERT INTO "+f.table+" ("+quotedCols(f.cols)+")")
	require.NoError(t, err, f.table)
	require.NoError(t, b.Append(f.vals(db.Dialect)...), f.table)
	require.NoError(t, b.Send(), f.table)
}

func TestInsertEveryTableReadThroughViews(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	fs := fixtures()
	for _, f := range fs {
		insertFixture(ctx, t, db, f)
	}
	for _, f := range fs {
		t.Run(f.table, func(t *testing.T) {
			assert.Equal(t, uint64(1), chtest.Count(t, db, "SELECT count() FROM "+f.view))
			var id string
			var observed any = new(time.Time)
			if !db.Dialect.DateTime64 {
				observed = new(uint64)
			}
			require.NoError(t, db.Conn.QueryRow(ctx, "SELECT id, observed_at FROM "+f.view).Scan(&id, observed))
			assert.Equal(t, f.id, id)
			want := f.vals(db.Dialect)[2]
			switch o := observed.(type) {
			case *time.Time:
				assert.True(t, want.(time.Time).Equal(*o), "observed_at %s, want %s", *o, want)
			case *uint64:
				assert.Equal(t, want, *o, "observed_at in Unix ms")
			}
			// observed_at_dt reads as a time on every server, to the second.
			var readable string
			require.NoError(t, db.Conn.QueryRow(ctx, "SELECT toString(observed_at_dt) FROM "+f.view).Scan(&readable))
			assert.Equal(t, fixtureTime(want).Format(time.DateTime), readable, "observed_at_dt")
			var inserted uint64
			require.NoError(t, db.Conn.QueryRow(ctx, "SELECT count() FROM "+f.table+" WHERE "+
				timeExpr(db.Dialect, "inserted_at")+" > toDateTime('2020-01-01 00:00:00', 'UTC')").Scan(&inserted))
			assert.Equal(t, uint64(1), inserted, "inserted_at default")
		})
	}

	t.Run("derived views", func(t *testing.T) {
		var bps []int16
		var probs []float64
		rows, err := db.Conn.Query(ctx, "SELECT change_bp, probability FROM v_fed_odds_outcomes ORDER BY change_bp")
		require.NoError(t, err)
		for rows.Next() {
			var bp int16
			var p float64
			require.NoError(t, rows.Scan(&bp, &p))
			bps, probs = append(bps, bp), append(probs, p)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		assert.Equal(t, []int16{-25, 0}, bps)
		assert.Equal(t, []float64{0.85, 0.15}, probs)

		var venue, incident, action, severity, title string
		var open uint8
		var resolved *time.Time
		require.NoError(t, db.Conn.QueryRow(ctx, "SELECT venue, incident_id, action, severity, title, is_open, "+
			nullableTimeExpr(db.Dialect, "resolved_at")+" FROM v_venue_incidents").
			Scan(&venue, &incident, &action, &severity, &title, &open, &resolved))
		assert.Equal(t, []any{"cme", "globex-2025-11-28", "open", "halt", uint8(1)}, []any{venue, incident, action, severity, open})
		assert.Contains(t, title, "cooling")
		assert.Nil(t, resolved)

		var asset, day string
		var flow float64
		var aum *float64
		require.NoError(t, db.Conn.QueryRow(ctx, "SELECT asset, toString(trade_date), flow_usd, aum_usd FROM v_etf_flows_total").
			Scan(&asset, &day, &flow, &aum))
		assert.Equal(t, "BTC", asset)
		assert.Equal(t, "2025-11-20", day)
		assert.Equal(t, -903.2e6, flow)
		require.NotNil(t, aum)
		assert.Equal(t, 112.5e9, *aum)

		var date string
		var y2, y10 *float64
		require.NoError(t, db.Conn.QueryRow(ctx, "SELECT toString(observed_date), yield_2y_pct, yield_10y_pct FROM v_jgb_curve").
			Scan(&date, &y2, &y10))
		assert.Equal(t, "2025-11-20", date)
		assert.Nil(t, y2, "2Y not observed")
		require.NotNil(t, y10)
		assert.Equal(t, 1.86, *y10)
	})
}

// timeExpr converts a timestamp column to DateTime64 or DateTime for
// scanning into time.Time on either dialect.
func timeExpr(d chschema.Dialect, col string) string {
	if d.DateTime64 {
		return col
	}
	return "toDateTime(intDiv(" + col + ", 1000), 'UTC')"
}

func nullableTimeExpr(d chschema.Dialect, col string) string {
	if d.DateTime64 {
		return col
	}
	return "if(isNull(" + col + "), NULL, toDateTime(intDiv(assumeNotNull(" + col + "), 1000), 'UTC'))"
}

func TestReplacingMergeTreeDedup(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	fs := fixtures()
	// A redelivery: the same event inserted again in its own batch.
	for range 2 {
		for _, f := range fs {
			insertFixture(ctx, t, db, f)
		}
	}
	for _, f := range fs {
		assert.Equal(t, uint64(2), chtest.Count(t, db, "SELECT count() FROM "+f.table), "%s holds both parts", f.table)
		assert.Equal(t, uint64(1), chtest.Count(t, db, "SELECT count() FROM "+f.view), "%s shows one row", f.view)
	}
	assert.Equal(t, uint64(2), chtest.Count(t, db, "SELECT count() FROM v_fed_odds_outcomes"))
	assert.Equal(t, uint64(1), chtest.Count(t, db, "SELECT sum(steps) FROM v_venue_incidents"))
	assert.Equal(t, uint64(1), chtest.Count(t, db, "SELECT count() FROM v_etf_flows_total"))
}

func TestVenueIncidentLifecycle(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	start := time.Date(2025, 11, 28, 2, 40, 0, 0, time.UTC)
	end := start.Add(10 * time.Hour)
	steps := []struct {
		action, severity, status string
		observed                 time.Time
		resolved                 *time.Time
	}{
		{"open", "halt", "investigating", start.Add(5 * time.Minute), nil},
		{"update", "halt", "identified", start.Add(2 * time.Hour), nil},
		{"resolve", "none", "resolved", end.Add(time.Minute), &end},
	}
	d := db.Dialect
	b, err := db.Conn.PrepareBatch(ctx, "INSERT INTO venue_status (id, source, observed_at, ingested_at, stream_seq, venue, incident_id, action, severity, status, title, components, started_at, resolved_at)")
	require.NoError(t, err)
	// Inserted out of order: the view orders by observed_at.
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		require.NoError(t, b.Append("id-"+s.action, "manual", d.Time(s.observed), d.Time(s.observed), uint64(i+1),
			"cme", "globex", s.action, s.severity, s.status, "CME Globex halt", []string{"Globex"}, d.Time(start), d.NullableTime(s.resolved)))
	}
	require.NoError(t, b.Send())

	var action, severity, status string
	var open uint8
	var steps64 uint64
	var opened time.Time
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT action, severity, status, is_open, steps, "+timeExpr(d, "opened_at")+" FROM v_venue_incidents").
		Scan(&action, &severity, &status, &open, &steps64, &opened))
	assert.Equal(t, []any{"resolve", "none", "resolved", uint8(0), uint64(3)}, []any{action, severity, status, open, steps64})
	assert.True(t, start.Equal(opened))
	var resolved *time.Time
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT "+nullableTimeExpr(d, "resolved_at")+" FROM v_venue_incidents").Scan(&resolved))
	require.NotNil(t, resolved)
	assert.True(t, end.Equal(*resolved))
}

func TestObjectsSorted(t *testing.T) {
	// Guards the expectations above: system.tables lists in name order.
	assert.True(t, sort.StringsAreSorted(wantTables))
	assert.True(t, sort.StringsAreSorted(wantViews))
}

// TestMigrateAcceptsEquivalentRevisions: a database migrated with the
// migration files as they were before cluster rendering was added records
// their old checksums; the files' single-server rendering is unchanged (see
// testdata/golden/*/single), so Migrate finds it current.
func TestMigrateAcceptsEquivalentRevisions(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	before := map[uint32]string{
		1: "62ff1b94f85002a72191a567b9d83cbbe11f3b658a642468786ae369f77f4e40",
		2: "62834ab70f13dd6ea1ff93cafe83c32e77ab4947847526e91dfb0d6fa51a279f",
		3: "0ede999ac1e00645e87e1cd3ecfc8bb165d3cb9358a7a38488f17682b13619cc",
		4: "fbe5c39c9037dd4eccaa2abb3f4aa559dc958d31101b66bc2fa956d6d2502d1f",
		5: "e45a1e165fb724d5bc8ca79407214a703d03704790a20aa6a5a8f8254a669f31",
		6: "bf8eedbbc4f652b1b942c42ff7c9b87aed3cd71163969167137d9ccb82044096",
		7: "2f813d4e2507c9844903950d0cc2f4c6c253d044c16ea747e73c6d72b843a059",
		8: "1e86b94e7c61986d1ec893c76861fb7cbb9e0dd52e7565b281782e884e02651a",
	}
	migs, err := chschema.Render(db.Dialect, chschema.Target{Database: db.Database})
	require.NoError(t, err)
	// Migrations added since have only their first revision.
	var old []chschema.Migration
	for _, m := range migs {
		if _, ok := before[uint32(m.Version)]; ok {
			old = append(old, m)
		}
	}
	require.Len(t, old, len(before))
	// Earlier records win FINAL, as if the old files had been applied first.
	b, err := db.Conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, checksum, applied_at)")
	require.NoError(t, err)
	for _, m := range old {
		require.NotEqual(t, before[uint32(m.Version)], m.Checksum, "%s: the file changed", m.Name)
		require.NoError(t, b.Append(uint32(m.Version), m.Name, before[uint32(m.Version)], time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	require.NoError(t, b.Send())
	require.Equal(t, uint64(len(old)), chtest.Count(t, db, "SELECT count() FROM schema_migrations FINAL WHERE toYear(applied_at) = 2025"))

	applied, err := chschema.Migrate(ctx, db.Conn, chschema.Target{Database: db.Database}, db.Dialect, chtest.Logger(t))
	require.NoError(t, err)
	assert.Empty(t, applied)
}

// TestMigrateLayoutMismatch: a database migrated for a single server is not
// migrated again for a cluster, and nothing is created.
func TestMigrateLayoutMismatch(t *testing.T) {
	db := chtest.New(t)
	applied, err := chschema.Migrate(t.Context(), db.Conn, chschema.Target{Database: db.Database, Cluster: "carrywatch"}, db.Dialect, chtest.Logger(t))
	require.ErrorIs(t, err, chschema.ErrLayoutMismatch)
	assert.Contains(t, err.Error(), "migrated for a single server")
	assert.Empty(t, applied)
	tables, views := objects(t, db.Conn, db.Database)
	assert.Equal(t, wantTables, tables)
	assert.Equal(t, wantViews, views)
}

// fixtureTime is a fixture's timestamp value (a time.Time or Unix ms) as a
// time in UTC.
func fixtureTime(v any) time.Time {
	if ms, ok := v.(uint64); ok {
		return time.UnixMilli(int64(ms)).UTC()
	}
	return v.(time.Time).UTC()
}

// TestViewsHaveReadableTimes checks the views' naming rule: every
// timestamp column <col> (DateTime64 on current servers, a UInt64 named
// *_at or *_time on older ones) has a <col>_dt of type DateTime('UTC'),
// Nullable where <col> is, and every *_dt column is one of those.
func TestViewsHaveReadableTimes(t *testing.T) {
	db := chtest.New(t)
	rows, err := db.Conn.Query(t.Context(), "SELECT table, name, type FROM system.columns WHERE database = ? AND substring(table, 1, 2) = 'v_' ORDER BY table, name", db.Database)
	require.NoError(t, err)
	defer rows.Close()
	types := map[string]map[string]string{}
	for rows.Next() {
		var table, name, typ string
		require.NoError(t, rows.Scan(&table, &name, &typ))
		if types[table] == nil {
			types[table] = map[string]string{}
		}
		types[table][name] = typ
	}
	require.NoError(t, rows.Err())
	require.Len(t, types, len(wantViews))

	isTimestamp := func(name, typ string) bool {
		if db.Dialect.DateTime64 {
			return strings.Contains(typ, "DateTime64")
		}
		return strings.Contains(typ, "UInt64") && (strings.HasSuffix(name, "_at") || strings.HasSuffix(name, "_time"))
	}
	pairs := 0
	for view, cols := range types {
		for name, typ := range cols {
			if strings.HasSuffix(name, "_dt") {
				src, ok := cols[strings.TrimSuffix(name, "_dt")]
				assert.True(t, ok && isTimestamp(strings.TrimSuffix(name, "_dt"), src), "%s.%s converts no timestamp column", view, name)
				continue
			}
			if !isTimestamp(name, typ) {
				continue
			}
			want := "DateTime('UTC')"
			if strings.HasPrefix(typ, "Nullable(") {
				want = "Nullable(DateTime('UTC'))"
			}
			assert.Equal(t, want, cols[name+"_dt"], "%s.%s_dt", view, name)
			pairs++
		}
	}
	assert.Equal(t, 29, pairs, "timestamp columns with a readable twin")
}
