package backtest

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

func TestStoryPrints(t *testing.T) {
	at := func(h int) time.Time { return demoStart.Add(time.Duration(h) * time.Hour) }
	p := func(h int, seq uint64, index float64, regime string, triggers ...string) *event.RiskScore {
		return &event.RiskScore{Index: index, Regime: regime, Triggers: triggers,
			Watermark: event.Watermark{StreamSeq: seq, EventTime: at(h)}}
	}
	// Out of order on purpose: the story sorts by event time.
	st := newStory([]*event.RiskScore{
		p(3, 4, 65, event.RegimeElevated, "VENUE_DOWN", "POLICY_SHOCK"),
		p(0, 1, 30, event.RegimeCalm),
		p(1, 2, 45, event.RegimeWatch, "POLICY_SHOCK"),
		p(2, 3, 50, event.RegimeWatch),
		p(4, 5, 55, event.RegimeWatch, "VENUE_DOWN"),
	}, nil)

	assert.Equal(t, at(0), st.start)
	assert.Equal(t, at(4), st.end)
	assert.Equal(t, []span{
		{from: at(0), to: at(1), label: event.RegimeCalm},
		{from: at(1), to: at(3), label: event.RegimeWatch},
		{from: at(3), to: at(4), label: event.RegimeElevated},
		{from: at(4), to: at(4), label: event.RegimeWatch},
	}, st.regimes)
	assert.Equal(t, []regimeChange{
		{at: at(0), seq: 1, to: event.RegimeCalm, index: 30},
		{at: at(1), seq: 2, from: event.RegimeCalm, to: event.RegimeWatch, index: 45, triggers: []string{"POLICY_SHOCK"}},
		{at: at(3), seq: 4, from: event.RegimeWatch, to: event.RegimeElevated, index: 65, triggers: []string{"VENUE_DOWN", "POLICY_SHOCK"}},
		{at: at(4), seq: 5, from: event.RegimeElevated, to: event.RegimeWatch, index: 55, triggers: []string{"VENUE_DOWN"}},
	}, st.changes)
	assert.Equal(t, []string{"POLICY_SHOCK", "VENUE_DOWN"}, st.triggers)
	assert.Equal(t, []episode{
		{trigger: "POLICY_SHOCK", from: at(1), to: at(2), prints: 1, peak: 45},
		{trigger: "POLICY_SHOCK", from: at(3), to: at(4), prints: 1, peak: 65},
		{trigger: "VENUE_DOWN", from: at(3), to: at(4), open: true, prints: 2, peak: 65},
	}, st.episodes)
}

func TestStoryInputs(t *testing.T) {
	at := func(h int) time.Time { return demoStart.Add(time.Duration(h) * time.Hour) }
	prints := []*event.RiskScore{
		{Regime: event.RegimeCalm, Watermark: event.Watermark{EventTime: at(0)}},
		{Regime: event.RegimeCalm, Watermark: event.Watermark{EventTime: at(48)}},
	}
	odds := func(h int, meeting string, cut float64) *event.FedOdds {
		return &event.FedOdds{Meta: meta("fw", at(h)), Meeting: meeting,
			Outcomes: []event.Outcome{{ChangeBP: -25, Probability: cut}, {ChangeBP: 0, Probability: 1 - cut}}}
	}
	day0 := demoStart.Format(time.DateOnly)
	day1 := demoStart.Add(day).Format(time.DateOnly)
	resolved := at(30)
	st := newStory(prints, []event.Event{
		&event.JGBYield{Meta: meta("mof", at(-24)), Tenor: "2Y", YieldPct: 1.0},
		&event.JGBYield{Meta: meta("mof", at(24)), Tenor: "2Y", YieldPct: 1.2},
		&event.JGBYield{Meta: meta("mof", at(24)), Tenor: "5Y", YieldPct: 9},
		&event.JGBYield{Meta: meta("mof", at(72)), Tenor: "2Y", YieldPct: 1.4},
		// The day-0 meeting is the next one until day 0 ends, then the day-1 one.
		odds(-1, day0, 0.4), odds(-1, day1, 0.2),
		odds(6, day1, 0.6), odds(6, day0, 0.8),
		odds(30, day0, 1), odds(30, day1, 0.1),
		&event.ETFFlow{Meta: meta("farside", at(20)), Asset: "BTC", Ticker: "TOTAL", TradeDate: day0, FlowUSD: -1e9},
		&event.ETFFlow{Meta: meta("farside", at(22)), Asset: "BTC", Ticker: "TOTAL", TradeDate: day0, FlowUSD: -2e9}, // a revision
		&event.ETFFlow{Meta: meta("farside", at(22)), Asset: "BTC", Ticker: "IBIT", TradeDate: day0, FlowUSD: 5e9},
		&event.VenueStatus{Meta: meta("cme", at(10)), Venue: "cme", IncidentID: "1", Action: event.ActionOpen,
			Severity: event.SeverityDegraded, StartedAt: at(9)},
		&event.VenueStatus{Meta: meta("cme", at(11)), Venue: "cme", IncidentID: "1", Action: event.ActionUpdate,
			Severity: event.SeverityHalt, Title: "Globex halted", StartedAt: at(9)},
		&event.VenueStatus{Meta: meta("cme", at(30)), Venue: "cme", IncidentID: "1", Action: event.ActionResolve,
			Severity: event.SeverityNone, StartedAt: at(9), ResolvedAt: &resolved},
		&event.VenueStatus{Meta: meta("kraken", at(40)), Venue: "kraken", IncidentID: "k", Action: event.ActionOpen,
			Severity: event.SeverityMajor, StartedAt: at(40)},
		&event.Heartbeat{Meta: meta("cw", at(5))},
		nil,
	})

	require.Len(t, st.yields, 1, "10Y absent, 5Y not drawn")
	assert.Equal(t, []series{{name: "2Y", pts: []point{{at(0), 1.1}, {at(24), 1.2}, {at(48), 1.3}}}}, rounded(st.yields),
		"clipped to the axis, interpolated at its ends")
	assert.Equal(t, []series{
		{name: "FOMC " + day0, pts: []point{{at(0), -11.428571}, {at(6), -20}}},
		{name: "FOMC " + day1, pts: []point{{at(30), -2.5}}},
	}, rounded(st.fed))
	assert.Equal(t, []flowBar{{day: demoStart, asset: "BTC", usd: -2e9}}, st.flows)
	assert.Equal(t, []string{"BTC"}, st.assets)
	assert.Equal(t, []incident{
		{venue: "cme", id: "1", severity: event.SeverityHalt, title: "Globex halted", from: at(9), to: at(30)},
		{venue: "kraken", id: "k", severity: event.SeverityMajor, from: at(40), to: at(48), open: true},
	}, st.incidents)
	assert.Equal(t, []string{"cme", "kraken"}, st.venues)
	assert.Empty(t, st.absent)
}

// rounded returns ss with values rounded to 6 decimals.
func rounded(ss []series) []series {
	out := make([]series, len(ss))
	for i, s := range ss {
		out[i] = series{name: s.name}
		for _, p := range s.pts {
			out[i].pts = append(out[i].pts, point{t: p.t, v: math.Round(p.v*1e6) / 1e6})
		}
	}
	return out
}
