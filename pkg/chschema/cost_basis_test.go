package chschema_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// costBasisVersion is the migration that adds risk_scores.etf_cost_basis_usd.
const costBasisVersion = 11

// costBasisViews read the ETF cost basis of every print, oldest first.
var costBasisViews = []string{"v_risk_scores", "v_risk_index"}

func costBasisQuery(db, view string) string {
	return "SELECT id, etf_cost_basis_usd FROM " + db + "." + view + " ORDER BY observed_at"
}

// priorPrint returns a print stored before the ETF cost basis existed: the
// fixtures' print without the column, under its own id and a day earlier;
// its columns, values and id.
func priorPrint(t *testing.T, d chschema.Dialect) (cols []string, vals []any, id string) {
	t.Helper()
	var score fixture
	for _, f := range fixtures() {
		if f.table == "risk_scores" {
			score = f
		}
	}
	require.Equal(t, "etf_cost_basis_usd", score.cols[len(score.cols)-1])
	vals = score.vals(d)
	vals = vals[:len(vals)-1]
	vals[0] = "prior-print"
	vals[2] = d.Time(time.Date(2025, 11, 27, 3, 0, 0, 0, time.UTC)) // observed_at, a day before the fixture's
	return score.cols[:len(score.cols)-1], vals, "prior-print"
}

// splitAt returns the rendered migrations before version v and from v on.
func splitAt(t *testing.T, d chschema.Dialect, target chschema.Target, v int) (before, from []chschema.Migration) {
	t.Helper()
	migs, err := chschema.Render(d, target)
	require.NoError(t, err)
	for i, m := range migs {
		if m.Version == v {
			return migs[:i], migs[i:]
		}
	}
	require.FailNow(t, "no migration", "version %d", v)
	return nil, nil
}

// TestETFCostBasisKeepsStoredPrints upgrades a database holding a print
// stored before migration 0011 (18.16 here), whose column a migrator that
// stopped half-way already added: the stored print reads NULL through
// v_risk_scores and v_risk_index, and a print written afterwards with the
// column reads its cost basis.
func TestETFCostBasisKeepsStoredPrints(t *testing.T) {
	db := chtest.NewEmpty(t)
	ctx := t.Context()
	target := chschema.Target{Database: db.Database}
	before, from := splitAt(t, db.Dialect, target, costBasisVersion)
	require.NoError(t, db.Conn.Exec(ctx, "CREATE DATABASE "+db.Database))
	for _, m := range before {
		for _, s := range m.Statements {
			require.NoError(t, db.Conn.Exec(ctx, s), "%s: %s", m.Name, s)
		}
	}
	cols, vals, priorID := priorPrint(t, db.Dialect)
	b, err := db.Conn.PrepareBatch(ctx, "INSERT INTO "+db.Database+".risk_scores ("+quotedCols(cols)+")")
	require.NoError(t, err)
	require.NoError(t, b.Append(vals...))
	require.NoError(t, b.Send())

	// A migrator that stopped after adding the column, before recording
	// 0011: the next one applies it again.
	require.NoError(t, db.Conn.Exec(ctx, from[0].Statements[0]))
	applied, err := chschema.Migrate(ctx, db.Conn, target, db.Dialect, chtest.Logger(t))
	require.NoError(t, err)
	require.NotEmpty(t, applied)
	var names []string
	for _, m := range applied {
		names = append(names, m.Name)
	}
	assert.Contains(t, names, "0011_add_risk_scores_etf_cost_basis", "the migrator applies 0011 again")

	for _, f := range fixtures() {
		if f.table == "risk_scores" {
			b, err := db.Conn.PrepareBatch(ctx, "INSERT INTO "+db.Database+".risk_scores ("+quotedCols(f.cols)+")")
			require.NoError(t, err)
			require.NoError(t, b.Append(f.vals(db.Dialect)...))
			require.NoError(t, b.Send())
			for _, view := range costBasisViews {
				rows, err := db.Conn.Query(ctx, costBasisQuery(db.Database, view))
				require.NoError(t, err, view)
				var got []string
				for rows.Next() {
					var id string
					var basis *float64
					require.NoError(t, rows.Scan(&id, &basis), view)
					got = append(got, costBasisRow(id, basis))
				}
				require.NoError(t, rows.Err(), view)
				rows.Close()
				assert.Equal(t, []string{costBasisRow(priorID, nil), costBasisRow(f.id, ptr(wantCostBasis))}, got, view)
			}
		}
	}
}

// TestETFCostBasisKeepsStoredPrintsOnChdb is the same upgrade on current
// ClickHouse, where the column has a codec.
func TestETFCostBasisKeepsStoredPrintsOnChdb(t *testing.T) {
	const db = "carrywatch"
	target := chschema.Target{Database: db}
	before, from := splitAt(t, chschema.Current, target, costBasisVersion)
	stmts := []string{"CREATE DATABASE IF NOT EXISTS " + db}
	for _, m := range before {
		stmts = append(stmts, m.Statements...)
	}
	cols, vals, priorID := priorPrint(t, chschema.Current)
	stmts = append(stmts, insertSQL(db, fixture{table: "risk_scores", cols: cols, vals: func(chschema.Dialect) []any { return vals }}, chschema.Current))
	for range 2 { // idempotent
		for _, m := range from {
			stmts = append(stmts, m.Statements...)
		}
	}
	var id string
	for _, f := range fixtures() {
		if f.table == "risk_scores" {
			stmts = append(stmts, insertSQL(db, f, chschema.Current))
			id = f.id
		}
	}
	q := map[string]int{}
	for _, view := range costBasisViews {
		q[view] = len(stmts)
		stmts = append(stmts, costBasisQuery(db, view))
	}
	qType := len(stmts)
	stmts = append(stmts, "SELECT type, compression_codec FROM system.columns WHERE database = '"+db+
		"' AND table = 'risk_scores' AND name = 'etf_cost_basis_usd'")
	res := runChdb(t, stmts)

	for _, view := range costBasisViews {
		var got []string
		for _, r := range res[q[view]].Rows {
			var basis *float64
			if v, ok := r["etf_cost_basis_usd"].(float64); ok {
				basis = &v
			}
			got = append(got, costBasisRow(r["id"].(string), basis))
		}
		assert.Equal(t, []string{costBasisRow(priorID, nil), costBasisRow(id, ptr(wantCostBasis))}, got, view)
	}
	require.Len(t, res[qType].Rows, 1)
	assert.Equal(t, "Nullable(Float64)", res[qType].Rows[0]["type"])
	assert.Equal(t, "CODEC(ZSTD(1))", res[qType].Rows[0]["compression_codec"])
}

func costBasisRow(id string, basis *float64) string {
	if basis == nil {
		return id + " NULL"
	}
	return fmt.Sprint(id, " ", *basis)
}
