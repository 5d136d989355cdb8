package backtest

import (
	"fmt"
	"math"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// demoStart is where the synthetic backtest begins.
var demoStart = time.Date(2025, 11, 14, 0, 0, 0, 0, time.UTC)

// demoPrints returns n prints over 30 days: calm, rising through watch into
// elevated around day 12, a POLICY_SHOCK episode on days 6–7, a VENUE_DOWN
// episode while CME is halted on day 14, then easing back to watch.
func demoPrints(n int) []*event.RiskScore {
	step := 30 * day / time.Duration(n)
	weights := map[string]float64{"carry": 0.35, "etf_flows": 0.25, "fed_path": 0.20, "infrastructure": 0.20}
	prints := make([]*event.RiskScore, n)
	base := event.RegimeCalm // the regime before triggers
	for i := range n {
		t := demoStart.Add(time.Duration(i) * step)
		d := float64(i) / float64(n) * 30 // days in
		scores := map[string]float64{
			"carry":          clamp01(0.25 + 0.5*bump(d, 13, 6) + 0.03*math.Sin(float64(i)*0.7)),
			"etf_flows":      clamp01(0.30 + 0.45*bump(d, 10, 5) + 0.03*math.Sin(float64(i)*1.3)),
			"fed_path":       clamp01(0.20 + 0.55*bump(d, 6.5, 1.2) + 0.02*math.Cos(float64(i)*0.9)),
			"infrastructure": clamp01(0.05 + 0.9*window(d, 14.4, 14.85)),
		}
		var triggers []string
		if d >= 6 && d < 7.2 {
			triggers = append(triggers, "POLICY_SHOCK")
		}
		if d >= 14.4 && d < 14.85 {
			triggers = append(triggers, "VENUE_DOWN")
		}
		p := &event.RiskScore{
			ModelVersion:    "clri-v1",
			CalibrationHash: "sha256:4f2a9c0d1e7b",
			Triggers:        triggers,
			Watermark:       event.Watermark{StreamSeq: uint64(1000 + 3*i), EventTime: t},
		}
		index := 0.0
		for _, name := range []string{"carry", "etf_flows", "fed_path", "infrastructure"} {
			c := 100 * weights[name] * scores[name] * 1.15
			p.Blocks = append(p.Blocks, event.Block{Name: name, Score: scores[name], Contribution: c, Freshness: 1})
			index += c
		}
		p.Index = index
		base = nextRegime(base, index)
		p.Regime = raise(base, len(triggers) > 0)
		p.Drivers = topDrivers(p.Blocks)
		prints[i] = p
	}
	return prints
}

var levels = []string{event.RegimeCalm, event.RegimeWatch, event.RegimeElevated, event.RegimeStress}

// nextRegime applies the v1 thresholds with 5 points of hysteresis.
func nextRegime(prev string, index float64) string {
	entry := []float64{0, 40, 60, 75}
	cur := 0
	for i, e := range entry {
		if index >= e {
			cur = i
		}
	}
	for i, l := range levels {
		if l == prev && i > cur && index > entry[i]-5 {
			cur = i
		}
	}
	return levels[cur]
}

// raise lifts a regime one level while a trigger is active.
func raise(regime string, trigger bool) string {
	for i, l := range levels {
		if l == regime && trigger && i < len(levels)-1 {
			return levels[i+1]
		}
	}
	return regime
}

func topDrivers(blocks []event.Block) []string {
	var names []string
	used := map[string]bool{}
	for range 3 {
		best := -1
		for i, b := range blocks {
			if !used[b.Name] && (best < 0 || b.Contribution > blocks[best].Contribution) {
				best = i
			}
		}
		used[blocks[best].Name] = true
		names = append(names, blocks[best].Name)
	}
	return names
}

func bump(x, mid, width float64) float64 {
	return math.Exp(-(x - mid) * (x - mid) / (2 * width * width))
}

func window(x, from, to float64) float64 {
	if x >= from && x < to {
		return 1
	}
	return 0
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// demoInputs returns the inputs behind the demo: JGB 2Y and 10Y daily, Fed
// odds every six hours for the December and January meetings, ETF flows
// (TOTAL and one fund) daily, a CME halt and a Binance degradation.
func demoInputs() []event.Event {
	var in []event.Event
	for d := -3; d <= 33; d++ {
		t := demoStart.Add(time.Duration(d)*day + 6*time.Hour)
		x := float64(d)
		in = append(in,
			&event.JGBYield{Meta: meta("mof", t), Tenor: "2Y", YieldPct: 0.93 + 0.004*x + 0.03*bump(x, 13, 4)},
			&event.JGBYield{Meta: meta("mof", t), Tenor: "10Y", YieldPct: 1.70 + 0.006*x + 0.05*bump(x, 14, 5)},
			&event.JGBYield{Meta: meta("mof", t), Tenor: "5Y", YieldPct: 1.2},
		)
		date := demoStart.Add(time.Duration(d) * day).Format(time.DateOnly)
		flow := 300e6 - 1.4e9*bump(x, 10, 4) + 150e6*math.Sin(x)
		in = append(in,
			&event.ETFFlow{Meta: meta("farside", t.Add(day)), Asset: "BTC", Ticker: event.TickerTotal, TradeDate: date, FlowUSD: flow},
			&event.ETFFlow{Meta: meta("farside", t.Add(day)), Asset: "BTC", Ticker: "IBIT", TradeDate: date, FlowUSD: flow / 2},
		)
	}
	for h := -24; h <= 31*24; h += 6 {
		t := demoStart.Add(time.Duration(h) * time.Hour)
		x := float64(h) / 24
		pCut := clamp01(0.35 + 0.5*bump(x, 6.5, 1) + 0.1*math.Sin(x/3))
		in = append(in,
			&event.FedOdds{Meta: meta("cme-fedwatch", t), Meeting: "2025-12-10",
				Outcomes: []event.Outcome{{ChangeBP: -25, Probability: pCut}, {ChangeBP: 0, Probability: 1 - pCut}}},
			&event.FedOdds{Meta: meta("cme-fedwatch", t), Meeting: "2026-01-28",
				Outcomes: []event.Outcome{{ChangeBP: -25, Probability: 0.2 + 0.01*x}, {ChangeBP: 0, Probability: 0.8 - 0.01*x}}},
		)
	}
	halt := demoStart.Add(14*day + 10*time.Hour)
	resolved := halt.Add(10 * time.Hour)
	degraded := demoStart.Add(22*day + 3*time.Hour)
	degradedEnd := degraded.Add(5 * time.Hour)
	in = append(in,
		&event.VenueStatus{Meta: meta("cme-status", halt.Add(time.Minute)), Venue: "cme", IncidentID: "globex-1128",
			Action: event.ActionOpen, Severity: event.SeverityHalt, Title: "Globex halted (data centre cooling)", StartedAt: halt},
		&event.VenueStatus{Meta: meta("cme-status", resolved), Venue: "cme", IncidentID: "globex-1128",
			Action: event.ActionResolve, Severity: event.SeverityHalt, StartedAt: halt, ResolvedAt: &resolved},
		&event.VenueStatus{Meta: meta("binance-status", degraded), Venue: "binance", IncidentID: "api-77",
			Action: event.ActionOpen, Severity: event.SeverityDegraded, Title: "API latency", StartedAt: degraded},
		&event.VenueStatus{Meta: meta("binance-status", degradedEnd), Venue: "binance", IncidentID: "api-77",
			Action: event.ActionResolve, Severity: event.SeverityDegraded, StartedAt: degraded, ResolvedAt: &degradedEnd},
		&event.Heartbeat{Meta: meta("carrywatch", demoStart.Add(3*day))},
	)
	return in
}

func meta(source string, t time.Time) event.Meta {
	return event.Meta{Source: source, ObservedAt: t, IngestedAt: t, ID: fmt.Sprintf("%s-%d", source, t.Unix())}
}
