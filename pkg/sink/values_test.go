package sink_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

func msOf(t interface{ UnixMilli() int64 }) int64 { return t.UnixMilli() }

// orNull renders an optional number as its value or "null".
func orNull(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// expectedRow renders what the views must return for an event, in the
// column order of readRows.
func expectedRow(ev event.Event) (view string, row string) {
	m := ev.Header()
	head := fmt.Sprint(m.ID, m.Source, msOf(m.ObservedAt), msOf(m.IngestedAt))
	switch e := ev.(type) {
	case *event.JGBYield:
		return "v_jgb_yields", fmt.Sprint(head, e.Tenor, e.TenorMonths(), e.YieldPct)
	case *event.FedOdds:
		change := make([]int16, len(e.Outcomes))
		prob := make([]float64, len(e.Outcomes))
		for i, o := range e.Outcomes {
			change[i], prob[i] = int16(o.ChangeBP), o.Probability
		}
		return "v_fed_odds", fmt.Sprint(head, e.Meeting, change, prob, e.ExpectedChangeBP())
	case *event.ETFFlow:
		return "v_etf_flows", fmt.Sprint(head, e.Asset, e.Ticker, e.TradeDate, e.FlowUSD, orNull(e.AUMUSD))
	case *event.VenueStatus:
		var resolved int64
		if e.ResolvedAt != nil {
			resolved = e.ResolvedAt.UnixMilli()
		}
		return "v_venue_status", fmt.Sprint(head, e.Venue, e.IncidentID, e.Action, e.Severity, e.Status, e.Title,
			e.Components, e.StartedAt.UnixMilli(), resolved)
	case *event.MarketQuote:
		return "v_market_quotes", fmt.Sprint(head, e.Instrument, e.Value, e.Unit, e.Kind, e.DerivedFrom)
	case *event.RiskScore:
		data, _ := event.Marshal(e)
		var names []string
		var scores, contribs []float64
		for _, b := range e.Blocks {
			names, scores, contribs = append(names, b.Name), append(scores, b.Score), append(contribs, b.Contribution)
		}
		return "v_risk_scores", fmt.Sprint(head, e.Index, e.Regime, e.Triggers, e.Drivers, names, scores, contribs,
			e.ModelVersion, e.CalibrationHash, e.Watermark.StreamSeq, e.Watermark.EventTime.UnixMilli(), string(data),
			orNull(e.ETFCostBasisUSD))
	}
	panic(fmt.Sprintf("no view for %T", ev))
}

// readRows reads every row of the event views, rendered as expectedRow does.
func readRows(t *testing.T, db *chtest.DB) map[string]map[string]string {
	t.Helper()
	d := db.Dialect
	head := "id, source, " + d.MillisExpr("observed_at") + ", " + d.MillisExpr("ingested_at")
	ctx := context.Background()
	out := map[string]map[string]string{}
	read := func(view, cols string, scan func() ([]any, func() string)) {
		rows, err := db.Conn.Query(ctx, "SELECT "+head+", "+cols+" FROM "+db.Database+"."+view)
		require.NoError(t, err, view)
		defer rows.Close()
		got := map[string]string{}
		for rows.Next() {
			var id, source string
			var obs, ing int64
			dest, render := scan()
			require.NoError(t, rows.Scan(append([]any{&id, &source, &obs, &ing}, dest...)...), view)
			got[id] = fmt.Sprint(fmt.Sprint(id, source, obs, ing), render())
		}
		require.NoError(t, rows.Err(), view)
		out[view] = got
	}
	read("v_jgb_yields", "tenor, tenor_months, yield_pct", func() ([]any, func() string) {
		var tenor string
		var months uint16
		var y float64
		return []any{&tenor, &months, &y}, func() string { return fmt.Sprint(tenor, months, y) }
	})
	read("v_fed_odds", "toString(meeting), change_bp, probability, expected_change_bp", func() ([]any, func() string) {
		var meeting string
		var change []int16
		var prob []float64
		var exp float64
		return []any{&meeting, &change, &prob, &exp}, func() string { return fmt.Sprint(meeting, change, prob, exp) }
	})
	read("v_etf_flows", "asset, ticker, toString(trade_date), flow_usd, aum_usd", func() ([]any, func() string) {
		var asset, ticker, date string
		var flow float64
		var aum *float64
		return []any{&asset, &ticker, &date, &flow, &aum}, func() string { return fmt.Sprint(asset, ticker, date, flow, orNull(aum)) }
	})
	read("v_venue_status", "venue, incident_id, action, severity, status, title, components, "+d.MillisExpr("started_at")+", "+d.MillisExpr("resolved_at"),
		func() ([]any, func() string) {
			var venue, inc, action, sev, status, title string
			var comps []string
			var started, resolved int64
			return []any{&venue, &inc, &action, &sev, &status, &title, &comps, &started, &resolved}, func() string {
				return fmt.Sprint(venue, inc, action, sev, status, title, comps, started, resolved)
			}
		})
	read("v_market_quotes", "instrument, value, unit, kind, derived_from", func() ([]any, func() string) {
		var inst, unit, kind, derived string
		var v float64
		return []any{&inst, &v, &unit, &kind, &derived}, func() string { return fmt.Sprint(inst, v, unit, kind, derived) }
	})
	read("v_risk_scores", "index, regime, triggers, drivers, block_names, block_scores, block_contributions, model_version, calibration_hash, watermark_seq, "+d.MillisExpr("watermark_time")+", explanation, etf_cost_basis_usd",
		func() ([]any, func() string) {
			var index float64
			var regime, mv, ch, expl string
			var triggers, drivers, names []string
			var scores, contribs []float64
			var wseq uint64
			var wtime int64
			var basis *float64
			return []any{&index, &regime, &triggers, &drivers, &names, &scores, &contribs, &mv, &ch, &wseq, &wtime, &expl, &basis}, func() string {
				return fmt.Sprint(index, regime, triggers, drivers, names, scores, contribs, mv, ch, wseq, wtime, expl, orNull(basis))
			}
		})
	return out
}

// assertStored checks every event is in its view with every value equal to
// what was sent, and nothing else is.
func assertStored(t *testing.T, db *chtest.DB, events []event.Event) {
	t.Helper()
	want := map[string]map[string]string{}
	for _, ev := range events {
		view, row := expectedRow(ev)
		if want[view] == nil {
			want[view] = map[string]string{}
		}
		want[view][ev.Header().ID] = row
	}
	got := readRows(t, db)
	for view, rows := range want {
		assert.Len(t, got[view], len(rows), view)
		for id, row := range rows {
			if !assert.Equal(t, row, got[view][id], "%s id %s", view, id) {
				return
			}
		}
	}
}
