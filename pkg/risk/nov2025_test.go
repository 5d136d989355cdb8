package risk

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// the model specification "Checks the model must pass", 1: the nov-2025 scenario, fed
// straight from scenario.Parse with sequences 1..n and heartbeats every 10
// minutes of event time (replay_test.go).

func utc(mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(2025, mo, d, h, mi, s, 0, time.UTC)
}

// printsIn returns the prints with event time in [from, to).
func printsIn(steps []step, from, to time.Time) []*event.RiskScore {
	var out []*event.RiskScore
	for _, s := range steps {
		if s.print == nil {
			continue
		}
		t := s.print.Watermark.EventTime
		if !t.Before(from) && t.Before(to) {
			out = append(out, s.print)
		}
	}
	return out
}

// blockStats returns the mean and max of a block's score over prints.
func blockStats(ps []*event.RiskScore, name string) (mean, maxv float64) {
	maxv = math.Inf(-1)
	for _, p := range ps {
		s := blockOf(p, name).Score
		mean += s
		maxv = math.Max(maxv, s)
	}
	return mean / float64(len(ps)), maxv
}

func TestNov2025CRisesFromMidNovember(t *testing.T) {
	steps := nov2025(t)
	early := printsIn(steps, utc(11, 3, 0, 0, 0), utc(11, 15, 0, 0, 0))
	late := printsIn(steps, utc(11, 15, 0, 0, 0), utc(11, 25, 0, 0, 0))
	require.NotEmpty(t, early)
	require.NotEmpty(t, late)
	earlyMean, earlyMax := blockStats(early, "C")
	lateMean, lateMax := blockStats(late, "C")
	t.Logf("C block: 3-14 Nov mean %.3f max %.3f; 15-24 Nov mean %.3f max %.3f", earlyMean, earlyMax, lateMean, lateMax)
	assert.Greater(t, lateMean, earlyMean, "C is higher on average from mid-November")
	assert.Greater(t, lateMax, earlyMax, "C reaches a new high from mid-November")

	// C1 at each new TOTAL: the 5-session outflow deepens from mid-November.
	var c1Early, c1Late []float64
	for _, s := range steps {
		e, ok := s.ev.(*event.ETFFlow)
		if !ok || e.Ticker != event.TickerTotal {
			continue
		}
		c, ok := componentOf(s.print, "C1")
		if !ok || !c.AsOf.Equal(e.ObservedAt) {
			continue // too few sessions in the lookback: C1 kept its last value
		}
		t.Logf("C1 %s: 5-session %.0f USD m, score %.3f", e.TradeDate, *c.Raw/1e6, c.Score)
		switch {
		case e.ObservedAt.Before(utc(11, 15, 0, 0, 0)):
			c1Early = append(c1Early, c.Score)
		case e.ObservedAt.Before(utc(11, 25, 0, 0, 0)):
			c1Late = append(c1Late, c.Score)
		}
	}
	require.NotEmpty(t, c1Early)
	require.NotEmpty(t, c1Late)
	assert.Greater(t, mean(c1Late), mean(c1Early))
	assert.Greater(t, maxOf(c1Late), maxOf(c1Early))
}

func TestNov2025PolicyShockOn20To21Nov(t *testing.T) {
	steps := nov2025(t)
	var first *event.RiskScore
	for _, p := range printsIn(steps, utc(11, 20, 0, 0, 0), utc(11, 22, 0, 0, 0)) {
		if hasTrigger(p, TriggerPolicyShock) {
			first = p
			break
		}
	}
	require.NotNil(t, first, "POLICY_SHOCK fires on 20-21 Nov")
	b1, ok := componentOf(first, "B1")
	require.True(t, ok)
	t.Logf("POLICY_SHOCK at %s: 1-day path move %.4f bp, B1 %.3f, B %.3f", first.Watermark.EventTime.Format(time.RFC3339), *b1.Raw, b1.Score, blockOf(first, "B").Score)
	assert.Equal(t, utc(11, 21, 16, 53, 0), first.Watermark.EventTime, "the 70.9 %% FedWatch reading")
	// 39.1 % -> 70.9 % cut for Dec only, carried over 3 meetings: 3 × 0.318 × 25 bp.
	assert.InDelta(t, 3*0.318*25, *b1.Raw, 1e-9)
	assert.Equal(t, event.RegimeElevated, first.Regime)
}

func TestNov2025CMEHalt(t *testing.T) {
	steps := nov2025(t)
	declared := utc(11, 28, 2, 40, 0)
	resolved := utc(11, 28, 13, 30, 0)
	before := printsIn(steps, declared.Add(-time.Hour), declared)
	require.NotEmpty(t, before)
	eBefore := blockOf(before[len(before)-1], "E").Score

	within := printsIn(steps, declared, declared.Add(61*time.Second))
	require.NotEmpty(t, within)
	jumped := false
	for _, p := range within {
		e := blockOf(p, "E").Score
		t.Logf("%s E %.3f (before %.3f) index %.2f regime %s drivers %v triggers %v", p.Watermark.EventTime.Format(time.RFC3339), e, eBefore, p.Index, p.Regime, p.Drivers, p.Triggers)
		jumped = jumped || e-eBefore >= 0.2
	}
	assert.True(t, jumped, "E jumps by at least 0.2 within 60 s of the halt")

	halted := printsIn(steps, declared, resolved)
	require.Greater(t, len(halted), 60)
	for _, p := range halted {
		require.Equal(t, "E", p.Drivers[0], "E leads the drivers while halted, at %s", p.Watermark.EventTime)
		require.Contains(t, p.Triggers, TriggerVenueDown)
		require.Greater(t, blockOf(p, "A").Score, blockOf(p, "E").Score-0.2, "A sits high too (it is not why E leads)")
	}
	after := printsIn(steps, resolved.Add(3*time.Hour), resolved.Add(3*time.Hour+time.Minute))
	require.NotEmpty(t, after)
	assert.NotContains(t, after[0].Triggers, TriggerVenueDown)
	e2, ok := componentOf(after[0], "E2")
	require.True(t, ok, "reopen hazard after the resolve")
	assert.InDelta(t, 0.6*math.Exp2(-1.5), e2.Score, 1e-12)
}

func TestNov2025ARisesInto1To8Dec(t *testing.T) {
	steps := nov2025(t)
	late := printsIn(steps, utc(11, 17, 0, 0, 0), utc(12, 1, 0, 0, 0))
	dec := printsIn(steps, utc(12, 1, 0, 0, 0), utc(12, 9, 0, 0, 0))
	lateMean, lateMax := blockStats(late, "A")
	decMean, decMax := blockStats(dec, "A")
	t.Logf("A block: 17-30 Nov mean %.3f max %.3f; 1-8 Dec mean %.3f max %.3f", lateMean, lateMax, decMean, decMax)
	assert.Greater(t, decMean, lateMean)
	assert.Greater(t, decMax, lateMax)

	// The first 10Y print at or above 1.86 % lifts A from its level just before.
	var prev *event.RiskScore
	for _, s := range steps {
		if y, ok := s.ev.(*event.JGBYield); ok && y.Tenor == "10Y" && y.YieldPct >= 1.86 {
			require.NotNil(t, prev)
			t.Logf("10Y %.3f %% on %s: A %.3f -> %.3f, A1 %s", y.YieldPct, y.ObservedAt.Format(time.DateOnly), blockOf(prev, "A").Score, blockOf(s.print, "A").Score, fmtComp(s.print, "A1"))
			assert.Equal(t, utc(12, 1, 6, 0, 0), y.ObservedAt)
			assert.Greater(t, blockOf(s.print, "A").Score, blockOf(prev, "A").Score)
			break
		}
		if s.print != nil && s.ev.Header().ObservedAt.Before(utc(12, 1, 0, 0, 0)) {
			prev = s.print
		}
	}
}

func TestNov2025EveryPrintValidatesAndDecomposes(t *testing.T) {
	steps := nov2025(t)
	for _, s := range steps {
		p := s.print
		require.NotNil(t, p)
		require.NoError(t, p.Validate(p.Watermark.EventTime), "seq %d", s.seq)
		var sum float64
		for _, b := range p.Blocks {
			sum += b.Contribution
		}
		require.InDelta(t, p.Index, sum, 1e-9, "seq %d", s.seq)
		require.Equal(t, s.seq, p.Watermark.StreamSeq)
		require.Equal(t, p.ObservedAt, p.Watermark.EventTime)
		require.Equal(t, p.ObservedAt, p.IngestedAt)
		require.Len(t, p.Drivers, 3)
		for _, c := range p.Components {
			require.NotContains(t, []string{"A3", "C2"}, c.Name, "optional inputs have no feed: absent")
		}
	}
}

func hasTrigger(p *event.RiskScore, name string) bool {
	for _, tr := range p.Triggers {
		if tr == name {
			return true
		}
	}
	return false
}

func fmtComp(p *event.RiskScore, name string) string {
	c, ok := componentOf(p, name)
	if !ok {
		return "absent"
	}
	return fmt.Sprintf("%.3f (raw %.4g)", c.Score, *c.Raw)
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}
