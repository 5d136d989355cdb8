package chschema_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/testutil/chdbtest"
)

// chdbWhat is what a chschema test without chdb does not run.
const chdbWhat = "the current-ClickHouse DDL test"

// runChdb runs statements in one chdb session and returns one result per
// statement; it fails t with the failing statement on error.
func runChdb(t *testing.T, statements []string) []chdbtest.Result {
	t.Helper()
	results, err := chdbRun(t, "", nil, statements)
	require.NoError(t, err)
	return results
}

// chdbRun runs statements in one chdb session started in directory dir (the
// package's if empty; chdb loads dir/config.xml, if any, as its server
// configuration) with env added to its environment. It returns one result
// per statement, or an error naming the first failing statement, or holding
// node's stderr when the session could not start.
func chdbRun(t *testing.T, dir string, env []string, statements []string) ([]chdbtest.Result, error) {
	t.Helper()
	results, err := chdbtest.Run(t, chdbWhat, dir, env, statements)
	if err != nil {
		return results, err
	}
	return results, chdbtest.FirstError(results, statements)
}

// TestCurrentDialectOnChdb runs the migrations rendered for the current
// dialect (DateTime64, LowCardinality, codecs, TTL) on current ClickHouse,
// twice, inserts one row per table and reads it through every view.
func TestCurrentDialectOnChdb(t *testing.T) {
	const db = "carrywatch"
	migs, err := chschema.Render(chschema.Current, chschema.Target{Database: db})
	require.NoError(t, err)

	var stmts []string
	add := func(s string) int { stmts = append(stmts, s); return len(stmts) - 1 }
	add("CREATE DATABASE IF NOT EXISTS " + db)
	for range 2 { // idempotent
		for _, m := range migs {
			for _, s := range m.Statements {
				add(s)
			}
		}
	}
	fs := fixtures()
	for _, f := range fs {
		add(insertSQL(db, f, chschema.Current))
		add(insertSQL(db, f, chschema.Current)) // a redelivery
	}
	qVersion := add("SELECT version() AS v")
	qObjects := add("SELECT name, engine FROM system.tables WHERE database = '" + db + "' ORDER BY name")
	qTypes := add("SELECT table, name, type FROM system.columns WHERE database = '" + db + "' AND table = 'venue_status' " +
		"AND name IN ('source', 'observed_at', 'resolved_at', 'inserted_at') ORDER BY name")
	qDT := add("SELECT type, count() AS n FROM system.columns WHERE database = '" + db + "' AND name LIKE '%\\_dt' GROUP BY type ORDER BY type")
	qTTL := add("SELECT engine_full FROM system.tables WHERE database = '" + db + "' AND name = 'dead_letters'")
	qViews := map[string]int{}
	for _, f := range fs {
		qViews[f.view] = add("SELECT id, toString(observed_at) AS observed_at, toString(observed_at_dt) AS observed_at_dt FROM " + db + "." + f.view)
	}
	qOutcomes := add("SELECT change_bp, probability FROM " + db + ".v_fed_odds_outcomes ORDER BY change_bp")
	qIncidents := add("SELECT venue, incident_id, action, severity, is_open, resolved_at, toString(opened_at) AS opened_at FROM " + db + ".v_venue_incidents")
	qTotal := add("SELECT asset, toString(trade_date) AS trade_date, flow_usd, aum_usd FROM " + db + ".v_etf_flows_total")
	qCurve := add("SELECT toString(observed_date) AS d, yield_2y_pct, yield_10y_pct FROM " + db + ".v_jgb_curve")

	// The README's market queries need more than one day of quotes; the
	// rows go in after the one-row-per-view reads above.
	for _, f := range marketHistory() {
		add(insertSQL(db, f, chschema.Current))
	}
	// Every README example, current-only ones and their 18.16
	// equivalents included, runs here; an equivalent returns as many rows
	// as the current-only query before it.
	readme := readmeQueries(t)
	qReadme := make([]int, len(readme))
	for i, q := range readme {
		qReadme[i] = add(q.sql)
	}

	res := runChdb(t, stmts)
	for i, q := range readme {
		rows := res[qReadme[i]].Rows
		assert.NotEmpty(t, rows, "README.md:%d returned no rows:\n%s", q.line, q.sql)
		if q.servers == readmeEquivalent {
			assert.Len(t, rows, len(res[qReadme[i-1]].Rows), "README.md:%d and the current-only query it stands for", q.line)
		}
	}
	t.Logf("chdb ClickHouse %v", res[qVersion].Rows[0]["v"])

	var tables, views []string
	for _, r := range res[qObjects].Rows {
		if r["engine"] == "View" {
			views = append(views, r["name"].(string))
		} else {
			tables = append(tables, r["name"].(string))
		}
	}
	// No schema_migrations: this test renders the DDL, it does not run Migrate.
	assert.Equal(t, []string{"dead_letters", "etf_flows", "fed_odds", "jgb_yields", "market_quotes", "risk_scores", "venue_status"}, tables)
	assert.Equal(t, wantViews, views)

	types := map[string]string{}
	for _, r := range res[qTypes].Rows {
		types[r["name"].(string)] = r["type"].(string)
	}
	assert.Equal(t, map[string]string{
		"source":      "LowCardinality(String)",
		"observed_at": "DateTime64(3, 'UTC')",
		"resolved_at": "Nullable(DateTime64(3, 'UTC'))",
		"inserted_at": "DateTime64(3, 'UTC')",
	}, types)
	// The views' readable times, as on 18.16 (TestViewsHaveReadableTimes).
	dtTypes := map[string]any{}
	for _, r := range res[qDT].Rows {
		dtTypes[r["type"].(string)] = r["n"]
	}
	assert.Equal(t, map[string]any{"DateTime('UTC')": 27.0, "Nullable(DateTime('UTC'))": 2.0}, dtTypes)
	assert.Contains(t, res[qTTL].Rows[0]["engine_full"], "TTL toDateTime(inserted_at) + toIntervalDay(90)")

	for _, f := range fs {
		rows := res[qViews[f.view]].Rows
		require.Len(t, rows, 1, "%s shows the redelivered row once", f.view)
		assert.Equal(t, f.id, rows[0]["id"], f.view)
		want := f.vals(chschema.Current)[2].(time.Time)
		assert.Equal(t, want.Format("2006-01-02 15:04:05.000"), rows[0]["observed_at"], f.view)
		assert.Equal(t, want.Format(time.DateTime), rows[0]["observed_at_dt"], f.view)
	}

	outcomes := res[qOutcomes].Rows
	require.Len(t, outcomes, 2)
	assert.Equal(t, "-25 0.85", fmt.Sprint(outcomes[0]["change_bp"], " ", outcomes[0]["probability"]))
	assert.Equal(t, "0 0.15", fmt.Sprint(outcomes[1]["change_bp"], " ", outcomes[1]["probability"]))

	inc := res[qIncidents].Rows
	require.Len(t, inc, 1)
	assert.Equal(t, "cme", inc[0]["venue"])
	assert.Equal(t, "globex-2025-11-28", inc[0]["incident_id"])
	assert.Equal(t, "open", inc[0]["action"])
	assert.Equal(t, "halt", inc[0]["severity"])
	assert.EqualValues(t, 1, inc[0]["is_open"])
	assert.Nil(t, inc[0]["resolved_at"])
	assert.Equal(t, "2025-11-28 02:40:00.000", inc[0]["opened_at"])

	total := res[qTotal].Rows
	require.Len(t, total, 1)
	assert.Equal(t, "BTC", total[0]["asset"])
	assert.Equal(t, "2025-11-20", total[0]["trade_date"])
	assert.EqualValues(t, -903.2e6, total[0]["flow_usd"])
	assert.EqualValues(t, 112.5e9, total[0]["aum_usd"])

	curve := res[qCurve].Rows
	require.Len(t, curve, 1)
	assert.Equal(t, "2025-11-20", curve[0]["d"])
	assert.Nil(t, curve[0]["yield_2y_pct"])
	assert.EqualValues(t, 1.86, curve[0]["yield_10y_pct"])
}

// sqlString quotes s as a ClickHouse string literal.
func sqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestClusterDDLParsesOnChdb checks that every statement rendered for a
// cluster, for both dialects, parses in current ClickHouse: chdb has no
// keeper and no cluster, so it cannot run replicated DDL, but formatQuery
// runs the server's own parser over it.
func TestClusterDDLParsesOnChdb(t *testing.T) {
	var stmts []string
	for _, gd := range goldenDialects {
		for _, f := range renderGolden(t, gd.d, chschema.Target{Database: "carrywatch", Cluster: "carrywatch"}) {
			stmts = append(stmts, f.statements...)
		}
	}
	queries := make([]string, len(stmts))
	for i, s := range stmts {
		queries[i] = "SELECT formatQuery(" + sqlString(s) + ") AS f"
	}
	res := runChdb(t, queries)
	for i, r := range res {
		require.Len(t, r.Rows, 1, stmts[i])
		formatted, _ := r.Rows[0]["f"].(string)
		assert.Contains(t, formatted, "ON CLUSTER carrywatch", "parsed without its ON CLUSTER clause:\n%s", stmts[i])
		if strings.Contains(stmts[i], "ENGINE = Replicated") {
			assert.Contains(t, formatted, "Replicated", stmts[i])
		}
	}
	t.Logf("%d cluster statements parse", len(stmts))
}
