package risk

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

func TestApplyBeforeAnyValidEventReturnsNoPrint(t *testing.T) {
	m := NewModel(v1Calibration())
	p, pub := m.Apply(&event.Heartbeat{}, 1) // not sealed: invalid
	assert.Nil(t, p)
	assert.False(t, pub)
	p, pub = m.Apply(heartbeat(date(2025, 11, 1, 0, 0)), 2)
	require.NotNil(t, p)
	assert.True(t, pub, "the first print publishes")
	assert.Equal(t, uint64(2), p.Watermark.StreamSeq)
}

// stateWithoutSeq is the snapshot with the sequence cleared.
func stateWithoutSeq(t *testing.T, m *Model) string {
	t.Helper()
	b, err := m.Snapshot()
	require.NoError(t, err)
	var s map[string]any
	require.NoError(t, json.Unmarshal(b, &s))
	delete(s, "seq")
	out, err := json.Marshal(s)
	require.NoError(t, err)
	return string(out)
}

func TestApplyIgnoresWhatItCannotUse(t *testing.T) {
	t0 := date(2025, 11, 20, 6, 0)
	unsealed := &event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: t0.Add(time.Hour)}, Tenor: "2Y", YieldPct: 3}
	badTenor := jgb(t0.Add(time.Hour), "2Y", 3)
	badTenor.Tenor = "2X"
	score := &event.RiskScore{Meta: event.Meta{Source: "scorer", ObservedAt: t0.Add(time.Hour)}, Index: 99, Regime: event.RegimeStress, ModelVersion: "x", CalibrationHash: "y"}
	event.Seal(score, t0.Add(time.Hour))
	tests := []struct {
		name  string
		ev    event.Event
		seq   uint64 // 0: next
		moves bool   // the sequence advances
	}{
		{"unknown kind", score, 0, true},
		{"nil event", nil, 0, true},
		{"not sealed", unsealed, 0, true},
		{"invalid tenor", badTenor, 0, true},
		{"an older MoF day than the tenor's latest", jgb(t0.AddDate(0, 0, -1), "2Y", 3), 0, true},
		{"a tenor the model does not read", jgb(t0, "30Y", 9), 0, true},
		{"a redelivered sequence", jgb(t0.Add(time.Hour), "2Y", 3), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewModel(v1Calibration())
			before, _ := feed(m, jgb(t0, "2Y", 0.965), jgb(t0, "10Y", 1.824), heartbeat(t0.Add(30*time.Minute)))
			state := stateWithoutSeq(t, m)
			seq := tt.seq
			if seq == 0 {
				seq = m.s.Seq + 1
			}
			p, pub := m.Apply(tt.ev, seq)
			assert.False(t, pub)
			require.NotNil(t, p)
			assert.Equal(t, before.Index, p.Index)
			assert.Equal(t, before.Components, p.Components)
			assert.Equal(t, state, stateWithoutSeq(t, m), "state unchanged")
			if tt.moves {
				assert.Equal(t, seq, m.s.Seq)
			} else {
				assert.Equal(t, uint64(3), m.s.Seq)
			}
		})
	}
}

func TestPublishRule(t *testing.T) {
	t0 := date(2025, 11, 28, 0, 0)
	m := NewModel(v1Calibration())
	steps := []struct {
		name string
		ev   event.Event
		want bool
	}{
		{"first print", jgb(t0, "10Y", 1.8), true},
		{"nothing changed, 1 min later", heartbeat(t0.Add(time.Minute)), false},
		{"4 min later", heartbeat(t0.Add(4 * time.Minute)), false},
		{"5 min later, under the 1 h floor", heartbeat(t0.Add(5 * time.Minute)), false},
		{"a trigger appears (VENUE_DOWN) and the index moves", venue(t0.Add(6*time.Minute), "cme", "h", event.ActionOpen, event.SeverityHalt), true},
		{"an update that changes nothing", venue(t0.Add(7*time.Minute), "cme", "h", event.ActionUpdate, event.SeverityHalt), false},
		{"the trigger goes", venue(t0.Add(8*time.Minute), "cme", "h", event.ActionResolve, event.SeverityHalt), true},
		{"E2 decays by less than 0.5 points", heartbeat(t0.Add(9 * time.Minute)), false},
		{"an hour of event time since the last published print", heartbeat(t0.Add(8*time.Minute + time.Hour)), true},
	}
	for _, st := range steps {
		p, pub := m.Apply(st.ev, m.s.Seq+1)
		require.NotNil(t, p)
		assert.Equal(t, st.want, pub, st.name)
	}
}

func TestPublishOnIndexMove(t *testing.T) {
	t0 := date(2025, 11, 28, 0, 0)
	m := NewModel(v1Calibration())
	p0, _ := feed(m, jgb(t0, "10Y", 1.0))
	p1, pub := m.Apply(jgb(t0.Add(time.Second), "10Y", 1.7), m.s.Seq+1) // same MoF day: a revision
	require.GreaterOrEqual(t, math.Abs(p1.Index-p0.Index), 0.5)
	assert.True(t, pub)
	assert.Equal(t, p0.Regime, p1.Regime)
}

func TestNextLevel(t *testing.T) {
	thr := [3]float64{40, 60, 75}
	tests := []struct {
		level int
		idx   float64
		want  int
	}{
		{0, 39.9, 0}, {0, 40, 1}, {0, 75, 3}, {1, 36, 1}, {1, 35, 1}, {1, 34.99, 0},
		{2, 56, 2}, {2, 54.9, 1}, {3, 70.1, 3}, {3, 69, 2}, {3, 10, 0}, {1, 61, 2},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, nextLevel(tt.level, tt.idx, thr, 5), "level %d index %v", tt.level, tt.idx)
	}
}

func TestAggregate(t *testing.T) {
	m := NewModel(v1Calibration())
	zero := m.aggregate([nBlocks]float64{})
	assert.Equal(t, aggregation{}, zero, "I = 0: index 0, contributions 0")

	ones := m.aggregate([nBlocks]float64{1, 1, 1, 1})
	assert.InDelta(t, 100*math.Sqrt(0.35*0.35+0.2*0.2+0.25*0.25+0.2*0.2), ones.clri, 1e-12, "identity C caps the index at 100·√Σw²")

	m.s.Corr.N = 60
	for i := range nBlocks {
		for j := range nBlocks {
			m.s.Corr.Cov[i][j] = 0.01
		}
	}
	full := m.aggregate([nBlocks]float64{1, 1, 1, 1})
	assert.InDelta(t, 100, full.clri, 1e-12, "perfectly correlated blocks at 1 give 100")
	var sum float64
	for j, c := range full.contrib {
		sum += c
		assert.InDelta(t, 100*m.p.weights[j], c, 1e-9)
	}
	assert.InDelta(t, full.clri, sum, 1e-9)

	m.s.Corr.Cov[0][1], m.s.Corr.Cov[1][0] = -0.01, -0.01
	c := m.correlation()
	assert.Equal(t, 0.0, c[0][1], "negative correlations are floored at 0")
}

func TestTriggers(t *testing.T) {
	mon := date(2025, 11, 17, 0, 0)
	sessions := func(usd, aum float64) []event.Event {
		var out []event.Event
		for i := range 5 {
			out = append(out, flow(mon.AddDate(0, 0, i), usd, aum))
		}
		return out
	}
	yearOf2Y := func(last float64) []event.Event {
		var out []event.Event
		d := date(2024, 11, 1, 6, 0)
		for ; d.Before(date(2025, 11, 14, 0, 0)); d = d.AddDate(0, 0, 1) {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				out = append(out, jgb(d, "2Y", 0.6), jgb(d, "10Y", 1.5))
			}
		}
		d = date(2025, 11, 17, 6, 0)
		return append(out, jgb(d, "2Y", last), jgb(d, "10Y", 1.6))
	}
	tests := []struct {
		name    string
		events  []event.Event
		want    []string
		regimes []string // allowed regimes
	}{
		{"ETF_BLEED: $2.25 bn out, AUM unknown", sessions(-450e6, 0), []string{TriggerETFBleed}, nil},
		{"no ETF_BLEED: $1.75 bn out, AUM unknown", sessions(-350e6, 0), []string{}, nil},
		{"ETF_BLEED: 1.6 % of a $100 bn AUM", sessions(-320e6, 100e9), []string{TriggerETFBleed}, nil},
		{"VENUE_DOWN: a binance halt is 0.2", []event.Event{venue(mon, "binance", "b", event.ActionOpen, event.SeverityHalt)}, []string{TriggerVenueDown}, nil},
		{"no VENUE_DOWN: a binance major outage is 0.16", []event.Event{venue(mon, "binance", "b", event.ActionOpen, event.SeverityMajor)}, []string{}, nil},
		{
			"single pocket: CME, Binance and Coinbase halted",
			[]event.Event{
				venue(mon, "cme", "a", event.ActionOpen, event.SeverityHalt), venue(mon, "binance", "b", event.ActionOpen, event.SeverityHalt),
				venue(mon, "coinbase", "c", event.ActionOpen, event.SeverityHalt),
			},
			[]string{TriggerSinglePocket + "E", TriggerVenueDown}, []string{event.RegimeElevated, event.RegimeStress},
		},
		{"CARRY_UNWIND: the 2Y jumps to a 1-year high", yearOf2Y(0.9), []string{TriggerCarryUnwind}, nil},
		{"no CARRY_UNWIND without a year of history", yearOf2Y(0.9)[500:], []string{}, nil},
		{"no CARRY_UNWIND below the 1-year high", yearOf2Y(0.59), []string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := feed(NewModel(v1Calibration()), tt.events...)
			require.NotNil(t, p)
			var named []string
			for _, tr := range p.Triggers {
				if tr != TriggerSinglePocket+"A" && tr != TriggerSinglePocket+"C" {
					named = append(named, tr)
				}
			}
			if named == nil {
				named = []string{}
			}
			assert.Equal(t, tt.want, named)
			if tt.regimes != nil {
				assert.Contains(t, tt.regimes, p.Regime)
			}
		})
	}
}

func TestFedPathRebasesAcrossADecision(t *testing.T) {
	// Jan-2026 odds seen before and after the 10 Dec 2025 cut, both saying "the
	// range after January is 3.50-3.75 %": before the cut that is a −25 bp
	// cumulative change vs 3.75-4.00 %, after it 0 bp vs 3.50-3.75 %. Rebased to
	// the range in force now, the path did not move.
	m := NewModel(v1Calibration())
	before := &event.FedOdds{Meta: event.Meta{Source: "kalshi", ObservedAt: date(2025, 12, 9, 16, 0)}, Meeting: "2026-01-28",
		Outcomes: []event.Outcome{{ChangeBP: -25, Probability: 1}}}
	event.Seal(before, before.ObservedAt)
	after := &event.FedOdds{Meta: event.Meta{Source: "kalshi", ObservedAt: date(2025, 12, 11, 10, 0)}, Meeting: "2026-01-28",
		Outcomes: []event.Outcome{{ChangeBP: 0, Probability: 1}}}
	event.Seal(after, after.ObservedAt)
	p, _ := feed(m, before, heartbeat(date(2025, 12, 10, 16, 0)), after)
	b1, ok := componentOf(p, "B1")
	require.True(t, ok)
	assert.Equal(t, 0.0, *b1.Raw, "no move: the cut happened, the expected range did not change")
	assert.NotContains(t, p.Triggers, TriggerPolicyShock)
}

// A feed that stops drifts its block to 0.5 on the calibration's schedule
// (the model specification "Freshness"), measured in event time carried by heartbeats, and
// never jumps: between heartbeats 10 minutes apart the index moves by at
// most the stale block's weight-bounded move.
func TestStoppedFeedDriftsToNeutral(t *testing.T) {
	tests := []struct {
		name  string
		block string
		comp  string
		input []event.Event
		last  time.Time // the last observation
		// due is when the input is cadence + grace old; then one and two
		// half-lives later.
		due, h1, h2 time.Time
	}{
		{
			name: "fed odds, calendar clock: 1 h + 2 h, half-life 1 day", block: "B", comp: "B2",
			input: []event.Event{odds(date(2025, 11, 20, 16, 0), "2025-12-10", "cme-fedwatch", 0.391)},
			last:  date(2025, 11, 20, 16, 0),
			due:   date(2025, 11, 20, 19, 0), h1: date(2025, 11, 21, 19, 0), h2: date(2025, 11, 22, 19, 0),
		},
		{
			name: "ETF flows, business clock: 1 business day + 18 h, half-life 2 business days, Thanksgiving skipped", block: "C", comp: "C1",
			input: []event.Event{
				flow(date(2025, 11, 17, 0, 0), -300e6, 0), flow(date(2025, 11, 18, 0, 0), -400e6, 0),
				flow(date(2025, 11, 19, 0, 0), -500e6, 0),
			},
			last: date(2025, 11, 19, 21, 0),
			// Wed 21:00 + 24 h + 18 h (business) = Fri 15:00; + 48 h business = Tue 15:00;
			// + 48 h business skipping Thu 27 Nov (NYSE closed) = Fri 28 Nov 15:00.
			due: date(2025, 11, 21, 15, 0), h1: date(2025, 11, 25, 15, 0), h2: date(2025, 11, 28, 15, 0),
		},
		{
			name: "JGB, business clock: 1 business day + 2 h, half-life 1 business day, over a weekend", block: "A", comp: "A1",
			input: []event.Event{jgb(date(2025, 11, 14, 6, 0), "2Y", 0.932), jgb(date(2025, 11, 14, 6, 0), "10Y", 1.714)},
			last:  date(2025, 11, 14, 6, 0),
			// Fri 06:00 + 26 h business = Mon 08:00; Tue 08:00; Wed 08:00.
			due: date(2025, 11, 17, 8, 0), h1: date(2025, 11, 18, 8, 0), h2: date(2025, 11, 19, 8, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewModel(v1Calibration())
			first, _ := feed(m, tt.input...)
			require.NotNil(t, first)
			c0, ok := componentOf(first, tt.comp)
			require.True(t, ok)
			s0 := c0.Score

			hbs := heartbeats(tt.last, tt.h2.Add(24*time.Hour), 10*time.Minute)
			_, prints := feed(m, hbs...)
			w := m.p.weights[slices.Index(blockNames[:], tt.block)]
			prev := first
			checked := map[time.Time]float64{}
			for _, p := range prints {
				c, ok := componentOf(p, tt.comp)
				require.True(t, ok, "a stale input stays present, with a low confidence")
				conf := c.Confidence
				b := blockOf(p, tt.block)
				if tt.block != "B" { // B2 shares block B with B1, which has the same confidence
					assert.InDelta(t, conf*s0+(1-conf)*0.5, b.Score, 1e-12, "block score = conf·s + (1−conf)·0.5")
				}
				assert.InDelta(t, conf, b.Freshness, 1e-12)
				// Toward neutral, never past it, never away from it.
				require.LessOrEqual(t, math.Abs(b.Score-0.5), math.Abs(blockOf(prev, tt.block).Score-0.5)+1e-15)
				dS := math.Abs(b.Score - blockOf(prev, tt.block).Score)
				require.LessOrEqual(t, math.Abs(p.Index-prev.Index), 100*w*dS+1e-9, "no spike at %s", p.Watermark.EventTime)
				require.LessOrEqual(t, dS, 0.5*(1-math.Exp2(-10.0/(24*60)))+1e-12, "at most one 10-minute decay step")
				if at := p.Watermark.EventTime; at.Equal(tt.due) || at.Equal(tt.h1) || at.Equal(tt.h2) || at.Equal(tt.due.Add(-10*time.Minute)) {
					checked[at] = conf
				}
				prev = p
			}
			t.Logf("%s conf: due-10m %.4f, due %.4f, +h %.4f, +2h %.4f", tt.comp, checked[tt.due.Add(-10*time.Minute)], checked[tt.due], checked[tt.h1], checked[tt.h2])
			assert.Equal(t, 1.0, checked[tt.due.Add(-10*time.Minute)])
			assert.Equal(t, 1.0, checked[tt.due])
			assert.InDelta(t, 0.5, checked[tt.h1], 1e-12)
			assert.InDelta(t, 0.25, checked[tt.h2], 1e-12)
		})
	}
}
