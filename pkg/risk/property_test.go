package risk

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// tol is the rounding slack of the monotonicity properties (Φ and the
// weighted means are monotone up to floating-point rounding).
const tol = 1e-12

// randomHistory returns a model fed a random history of every input kind
// over days business days from 2025-09-01 (all under the December-2025
// meeting), and the time of its last event.
func randomHistory(t *testing.T, rng *rand.Rand, days int) (*Model, time.Time) {
	t.Helper()
	m := NewModel(v1Calibration())
	y2, y10, cut := 0.5+rng.Float64()*0.5, 1.2+rng.Float64()*0.7, rng.Float64()
	d := date(2025, 9, 1, 0, 0)
	var last time.Time
	for n := 0; n < days; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		n++
		y2 += rng.NormFloat64() * 0.03
		y10 += rng.NormFloat64() * 0.05
		cut = min(1, max(0, cut+rng.NormFloat64()*0.1))
		evs := []event.Event{
			jgb(d.Add(6*time.Hour), "2Y", y2), jgb(d.Add(6*time.Hour), "10Y", y10),
			odds(d.Add(16*time.Hour), "2025-12-10", "cme-fedwatch", cut),
		}
		if rng.IntN(4) > 0 {
			evs = append(evs, flow(d, rng.NormFloat64()*600e6, 0))
		}
		if rng.IntN(10) == 0 {
			v := []string{"cme", "binance", "coinbase", "kraken"}[rng.IntN(4)]
			evs = append(evs, venue(d.Add(12*time.Hour), v, "inc-"+d.Format("0102"), event.ActionOpen, event.Severities[rng.IntN(len(event.Severities))]))
			if rng.IntN(2) == 0 {
				evs = append(evs, venue(d.Add(14*time.Hour), v, "inc-"+d.Format("0102"), event.ActionResolve, event.SeverityHalt))
			}
		}
		evs = append(evs, heartbeat(d.Add(22*time.Hour)))
		feed(m, evs...)
		last = d.Add(22 * time.Hour)
	}
	return m, last
}

// clone returns an independent copy of m through Snapshot/Restore.
func clone(t *testing.T, m *Model) *Model {
	t.Helper()
	b, err := m.Snapshot()
	require.NoError(t, err)
	c, err := Restore(v1Calibration(), b)
	require.NoError(t, err)
	return c
}

// scoreOf returns a component's score, and −1 if it is absent.
func scoreOf(p *event.RiskScore, name string) float64 {
	c, ok := componentOf(p, name)
	if !ok {
		return -1
	}
	return c.Score
}

// Raising a stress input never lowers its component or block score.
func TestRaisingAStressInputNeverLowersItsScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(20251128, 4))
	for trial := range 40 {
		base, last := randomHistory(t, rng, 15+rng.IntN(40))
		next := last.Add(8 * time.Hour) // 06:00Z of the next day
		if wd := next.Weekday(); wd == time.Saturday {
			next = next.AddDate(0, 0, 2)
		}
		delta := rng.ExpFloat64() * 0.1

		// JGB: a higher yield for the next MoF day.
		tenor := []string{"2Y", "10Y"}[rng.IntN(2)]
		y := rng.Float64() * 2.5
		lo, _ := feed(clone(t, base), jgb(next, tenor, y))
		hi, _ := feed(clone(t, base), jgb(next, tenor, y+delta))
		for _, c := range []string{"A1", "A2"} {
			assert.GreaterOrEqual(t, scoreOf(hi, c)+tol, scoreOf(lo, c), "trial %d: %s %s %.3f -> +%.3f", trial, c, tenor, y, delta)
		}
		assert.GreaterOrEqual(t, blockOf(hi, "A").Score+tol, blockOf(lo, "A").Score, "trial %d: A", trial)

		// ETF: a larger outflow for the next session.
		f := rng.NormFloat64() * 800e6
		day := next.Truncate(24 * time.Hour)
		lo, _ = feed(clone(t, base), flow(day, f, 0))
		hi, _ = feed(clone(t, base), flow(day, f-delta*5e9, 0))
		assert.GreaterOrEqual(t, scoreOf(hi, "C1")+tol, scoreOf(lo, "C1"), "trial %d: C1", trial)
		assert.GreaterOrEqual(t, blockOf(hi, "C").Score+tol, blockOf(lo, "C").Score, "trial %d: C", trial)

		// Venue: a worse severity for a new incident.
		i, j := rng.IntN(len(event.Severities)), rng.IntN(len(event.Severities))
		worse, milder := event.Severities[min(i, j)], event.Severities[max(i, j)] // worst first
		v := []string{"cme", "binance", "okx", "somewhere"}[rng.IntN(4)]
		lo, _ = feed(clone(t, base), venue(next, v, "new", event.ActionOpen, milder))
		hi, _ = feed(clone(t, base), venue(next, v, "new", event.ActionOpen, worse))
		assert.GreaterOrEqual(t, scoreOf(hi, "E1")+tol, scoreOf(lo, "E1"), "trial %d: E1 %s vs %s", trial, worse, milder)
		assert.GreaterOrEqual(t, blockOf(hi, "E").Score+tol, blockOf(lo, "E").Score, "trial %d: E", trial)

		// Fed: fewer cuts priced is hawkish (B2 up); a larger 1-day move is B1 up.
		cut := rng.Float64()
		lo, _ = feed(clone(t, base), odds(next, "2025-12-10", "cme-fedwatch", cut))
		hi, _ = feed(clone(t, base), odds(next, "2025-12-10", "cme-fedwatch", max(0, cut-delta)))
		assert.GreaterOrEqual(t, scoreOf(hi, "B2")+tol, scoreOf(lo, "B2"), "trial %d: B2", trial)
		b1lo, _ := componentOf(lo, "B1")
		b1hi, _ := componentOf(hi, "B1")
		if *b1hi.Raw >= *b1lo.Raw {
			assert.GreaterOrEqual(t, b1hi.Score+tol, b1lo.Score, "trial %d: B1", trial)
		} else {
			assert.GreaterOrEqual(t, b1lo.Score+tol, b1hi.Score, "trial %d: B1", trial)
		}
	}
}

// A missing input is absent from the print, never a zero; its block is
// neutral with freshness 0.
func TestMissingInputsAreAbsentNotZero(t *testing.T) {
	t0 := date(2025, 11, 28, 2, 40)
	tests := []struct {
		name     string
		events   []event.Event
		want     []string // components on the print, in order
		neutralB []string // blocks at 0.5 with freshness 0
	}{
		{"venue only", []event.Event{venue(t0, "cme", "x", event.ActionOpen, event.SeverityHalt)}, []string{"E1"}, []string{"A", "B", "C"}},
		{"one JGB tenor, no 5-day history", []event.Event{jgb(t0, "2Y", 0.99)}, []string{"A1", "E1"}, []string{"B", "C"}},
		{"two TOTAL sessions are too few for C1", []event.Event{flow(date(2025, 11, 25, 0, 0), -1e9, 0), flow(date(2025, 11, 26, 0, 0), -1e9, 0)}, []string{"E1"}, []string{"A", "B", "C"}},
		{"odds of a meeting not in the calendar", []event.Event{odds(t0, "2025-12-11", "kalshi", 0.5)}, []string{"E1"}, []string{"A", "B", "C"}},
		{"a resolve starts E2", []event.Event{venue(t0, "binance", "y", event.ActionResolve, event.SeverityMajor)}, []string{"E1", "E2"}, []string{"A", "B", "C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := feed(NewModel(v1Calibration()), tt.events...)
			require.NotNil(t, p)
			var names []string
			for _, c := range p.Components {
				names = append(names, c.Name)
			}
			assert.Equal(t, tt.want, names)
			for _, b := range tt.neutralB {
				assert.Equal(t, event.Block{Name: b, Score: 0.5, Contribution: blockOf(p, b).Contribution}, blockOf(p, b))
			}
			require.NoError(t, p.Validate(t0.Add(time.Hour)))
		})
	}
}
