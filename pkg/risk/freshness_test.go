package risk

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

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
			w := m.p.weights[slicesIndex(blockNames[:], tt.block)]
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

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
