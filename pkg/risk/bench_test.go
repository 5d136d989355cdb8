package risk

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// The benchmarks feed a synthetic live-like mix with advancing event time:
// a heartbeat every 10 s (the scorer's default), FedOdds of the next two
// meetings from two sources every 15 minutes, the 2Y and 10Y JGB yields
// every weekday, the BTC TOTAL ETF flow every weekday, and a venue incident
// (open, update, resolve) every other day. The model is warmed up outside
// the timer on the first mixWarmDays days (heartbeats every 10 minutes
// there), which fills the longest state window (the 20-day B2 path plus
// the 1-day B1 window); the timed part is the following days. When it is
// exhausted a new model is warmed up, also outside the timer.

var (
	mixOnce sync.Once
	mixEvs  []event.Event
	mixWarm int // events in the warm-up days
)

const (
	mixWarmDays = 23
	mixDays     = mixWarmDays + 7
)

func benchMix(b *testing.B) []event.Event {
	b.Helper()
	mixOnce.Do(func() {
		start := date(2025, time.December, 1, 0, 0)
		meetings := []string{"2026-01-28", "2026-03-18"}
		var out []event.Event
		for d := range mixDays {
			day := start.AddDate(0, 0, d)
			if d == mixWarmDays {
				mixWarm = len(out)
			}
			for s := 10; s <= 86400; s += 10 {
				t := day.Add(time.Duration(s) * time.Second)
				// JGB at 06:30 UTC (15:30 JST) on weekdays, a random-ish walk.
				if s == 6*3600+1800 && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
					w := 0.01 * math.Sin(float64(d))
					out = append(out, jgb(t, "2Y", 0.95+w), jgb(t, "10Y", 1.70+2*w))
				}
				// ETF TOTAL at 21:00 UTC on weekdays.
				if s == 21*3600 && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
					out = append(out, flow(day, -2e8*float64(1+d%3), 1.2e11))
				}
				// A venue incident: opened at 09:00, updated at 10:00, resolved at 11:00 every other day.
				if d%2 == 1 {
					id := fmt.Sprintf("inc-%d", d)
					switch s {
					case 9 * 3600:
						out = append(out, venue(t, "binance", id, event.ActionOpen, event.SeverityPartial))
					case 10 * 3600:
						out = append(out, venue(t, "binance", id, event.ActionUpdate, event.SeverityMajor))
					case 11 * 3600:
						out = append(out, venue(t, "binance", id, event.ActionResolve, event.SeverityMajor))
					}
				}
				if s%900 == 0 {
					k := float64(s/900%97) / 97
					for i, mt := range meetings {
						out = append(out,
							odds(t, mt, "cme-fedwatch", 0.55+0.1*k-0.05*float64(i)),
							odds(t, mt, "polymarket", 0.56+0.09*k-0.05*float64(i)))
					}
				}
				if d >= mixWarmDays || s%600 == 0 {
					out = append(out, heartbeat(t))
				}
			}
		}
		mixEvs = out
	})
	return mixEvs
}

// warmMix returns a model fed the warm-up part of the mix, and the index of
// the next event.
func warmMix(in []event.Event) (*Model, int) {
	m := NewModel(v1Calibration())
	for i := range mixWarm {
		m.Update(in[i], uint64(i+1))
	}
	return m, mixWarm
}

// steadyMix runs step b.N times over the mix in steady state: on a warmed
// model, warming a new one outside the timer when the mix is exhausted.
func steadyMix(b *testing.B, step func(m *Model, ev event.Event, seq uint64)) {
	in := benchMix(b)
	m, k := warmMix(in)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if k == len(in) {
			b.StopTimer()
			m, k = warmMix(in)
			b.StartTimer()
		}
		step(m, in[k], uint64(k+1))
		k++
	}
}

// BenchmarkApply measures one Apply (which always builds the print) over
// the mix in steady state.
func BenchmarkApply(b *testing.B) {
	steadyMix(b, func(m *Model, ev event.Event, seq uint64) { m.Apply(ev, seq) })
}

// BenchmarkApplyNov2025 is the former BenchmarkApply: the nov-2025
// scenario with 10-minute heartbeats, from an empty model (so it includes
// the warm-up growth of the state).
func BenchmarkApplyNov2025(b *testing.B) {
	in := nov2025Input(b)
	m := NewModel(v1Calibration())
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := i % len(in)
		if k == 0 && i > 0 {
			b.StopTimer()
			m = NewModel(v1Calibration())
			b.StartTimer()
		}
		m.Apply(in[k], uint64(k+1))
	}
}

// BenchmarkApplyNoPrint measures Update (Apply without building the
// print) over the mix in steady state, building the print only when the
// publish rule says to publish, as the scorer does.
func BenchmarkApplyNoPrint(b *testing.B) {
	pubs := 0
	steadyMix(b, func(m *Model, ev event.Event, seq uint64) {
		if m.Update(ev, seq) {
			m.Print()
			pubs++
		}
	})
	b.ReportMetric(float64(pubs)/float64(b.N), "publish/op")
}
