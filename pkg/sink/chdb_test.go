package sink_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/table"
	"github.com/carrywatch/carrywatch/pkg/testutil/chdbtest"
)

// TestRiskScoresOnCurrentClickHouse stores prints, with and without the
// ETF cost basis, as the sink's rows for the current dialect in current
// ClickHouse (chdb; the pipeline tests cover the test server), and reads
// every value back through v_risk_scores and the cost basis through
// v_risk_index.
func TestRiskScoresOnCurrentClickHouse(t *testing.T) {
	const db = "carrywatch"
	stmts := chdbtest.Schema(t, db)

	var prints []*event.RiskScore
	for _, ev := range genEvents(20) {
		if p, ok := ev.(*event.RiskScore); ok {
			prints = append(prints, p)
		}
	}
	require.Len(t, prints, 4)
	require.NotNil(t, prints[0].ETFCostBasisUSD, "genEvents: the first print knows the cost basis")
	require.Nil(t, prints[1].ETFCostBasisUSD, "genEvents: the second does not")

	insert := table.RiskScores.InsertSQL(db) + " VALUES "
	for i, p := range prints {
		raw, err := event.Marshal(p)
		require.NoError(t, err)
		stmts = append(stmts, insert+chdbtest.Values(table.RiskScores.Values(p, raw, uint64(100+i), chschema.Current)))
	}
	qScores := len(stmts)
	stmts = append(stmts, "SELECT id, source, toUnixTimestamp64Milli(observed_at) AS observed_ms, stream_seq, `index`, regime, "+
		"triggers, drivers, block_names, block_scores, block_contributions, model_version, calibration_hash, watermark_seq, "+
		"toUnixTimestamp64Milli(watermark_time) AS watermark_ms, explanation, etf_cost_basis_usd FROM "+db+".v_risk_scores ORDER BY observed_at")
	qIndex := len(stmts)
	stmts = append(stmts, "SELECT id, etf_cost_basis_usd FROM "+db+".v_risk_index ORDER BY observed_at")
	results, err := chdbtest.Run(t, "the sink's current-ClickHouse rows test", "", nil, stmts)
	require.NoError(t, err)
	require.NoError(t, chdbtest.FirstError(results, stmts))

	rows := results[qScores].Rows
	require.Len(t, rows, len(prints))
	for i, p := range prints {
		raw, err := event.Marshal(p)
		require.NoError(t, err)
		r := rows[i]
		var names []any
		var scores, contribs []any
		for _, b := range p.Blocks {
			names, scores, contribs = append(names, b.Name), append(scores, b.Score), append(contribs, b.Contribution)
		}
		assert.Equal(t, map[string]any{
			"id": p.ID, "source": p.Source, "observed_ms": float64(p.ObservedAt.UnixMilli()), "stream_seq": float64(100 + i),
			"index": p.Index, "regime": p.Regime, "triggers": anys(p.Triggers), "drivers": anys(p.Drivers),
			"block_names": names, "block_scores": scores, "block_contributions": contribs,
			"model_version": p.ModelVersion, "calibration_hash": p.CalibrationHash,
			"watermark_seq": float64(p.Watermark.StreamSeq), "watermark_ms": float64(p.Watermark.EventTime.Truncate(time.Millisecond).UnixMilli()),
			"explanation": string(raw), "etf_cost_basis_usd": nullable(p.ETFCostBasisUSD),
		}, r, "print %d", i)
		assert.Equal(t, map[string]any{"id": p.ID, "etf_cost_basis_usd": nullable(p.ETFCostBasisUSD)},
			results[qIndex].Rows[i], "v_risk_index print %d", i)
	}
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func nullable(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
