package risk

import (
	"math"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// tenorState is one JGB tenor's daily history and A2 EWMA.
type tenorState struct {
	Tenor string `json:"tenor"`
	// Days are the tenor's MoF days (JST), oldest first, trimmed to the
	// CARRY_UNWIND lookback plus slack (never below window_obs+1 rows).
	Days []dayObs `json:"days"`
	// Var is the EWMA variance (bp²) of the 5-day change after the latest
	// day's update; PrevVar is its value before that update, the one the
	// latest day's z-score divides by. VarDay is the day of the update.
	Var     float64 `json:"var"`
	PrevVar float64 `json:"prev_var"`
	VarDay  int32   `json:"var_day"`
}

// dayObs is one MoF day of one tenor.
type dayObs struct {
	Day int32   `json:"day"` // JST day, days since the epoch
	Ms  int64   `json:"ms"`  // observed_at, Unix ms
	Pct float64 `json:"pct"` // yield, %
}

// jstDay returns the Japanese calendar day of a Unix millisecond time.
func jstDay(ms int64) int32 { return day(ms + 9*msPerHour) }

// applyJGB records a yield observation. Observations of a tenor not in
// carry.tenors, or of a day older than the tenor's latest, are ignored; a
// second observation of the latest day replaces it (a revision) and redoes
// that day's EWMA update from the state before it.
func (m *Model) applyJGB(e *event.JGBYield) {
	p := m.p
	i := -1
	for k, t := range p.tenors {
		if t == e.Tenor {
			i = k
		}
	}
	if i < 0 {
		return
	}
	ts := &m.s.JGB[i]
	ms := e.ObservedAt.UnixMilli()
	d := jstDay(ms)
	n := len(ts.Days)
	switch {
	case n > 0 && d < ts.Days[n-1].Day:
		return
	case n > 0 && d == ts.Days[n-1].Day:
		if ms < ts.Days[n-1].Ms {
			return
		}
		ts.Days[n-1] = dayObs{Day: d, Ms: ms, Pct: e.YieldPct}
		if ts.VarDay == d {
			ts.Var = ts.PrevVar
			ts.VarDay = 0
		}
	default:
		ts.Days = append(ts.Days, dayObs{Day: d, Ms: ms, Pct: e.YieldPct})
	}
	n = len(ts.Days)
	if n > p.a2Window {
		chg := (ts.Days[n-1].Pct - ts.Days[n-1-p.a2Window].Pct) * 100
		ts.PrevVar = ts.Var
		ts.Var = p.a2Lambda*ts.Var + (1-p.a2Lambda)*chg*chg
		ts.VarDay = d
	}
	// Trim: keep the lookback (+slack) of days, and at least window_obs+1 rows.
	cut := int64(d)*msPerDay - p.cuLookbackMs - p.cuSlackMs - msPerDay
	drop := 0
	for drop < n-(p.a2Window+1) && int64(ts.Days[drop].Day)*msPerDay < cut {
		drop++
	}
	if drop > 0 {
		ts.Days = append(ts.Days[:0], ts.Days[drop:]...)
	}
}

// carryComponents returns A1 and A2 and whether CARRY_UNWIND's 1-year-high
// condition holds for the configured tenor.
func (m *Model) carryComponents(now int64) (a1, a2 compVal, newHigh bool) {
	p := m.p
	var pctSum float64
	var nLevel int
	var asOf1, asOf2 int64 = math.MaxInt64, math.MaxInt64
	best := math.Inf(-1)
	for i := range m.s.JGB {
		ts := &m.s.JGB[i]
		n := len(ts.Days)
		if n == 0 {
			continue
		}
		last := ts.Days[n-1]
		pctSum += p.a1Ref[i].percentile(last.Pct)
		nLevel++
		asOf1 = min(asOf1, last.Ms)
		if p.tenors[i] == "10Y" || !a1.ok {
			a1.raw = last.Pct
		}
		a1.ok = true
		if n > p.a2Window {
			chg := (last.Pct - ts.Days[n-1-p.a2Window].Pct) * 100
			v := ts.PrevVar
			if ts.VarDay != last.Day {
				v = ts.Var
			}
			sd := math.Max(math.Sqrt(v), p.a2MinSD)
			z := chg / sd
			s := phi(z)
			if !a2.ok || s > best {
				best = s
				a2.score, a2.raw = s, chg
			}
			a2.ok = true
			asOf2 = min(asOf2, last.Ms)
		}
		if i == p.cuTenor && n > 1 {
			start := now - p.cuLookbackMs
			if ts.Days[0].Ms <= start+p.cuSlackMs {
				high := math.Inf(-1)
				for _, o := range ts.Days[:n-1] {
					if o.Ms >= start {
						high = math.Max(high, o.Pct)
					}
				}
				newHigh = last.Pct > high
			}
		}
	}
	if a1.ok {
		a1.score = clamp01(pctSum / float64(nLevel))
		a1.asOf = asOf1
		a1.conf = p.jgbFresh.conf(asOf1, now)
	}
	if a2.ok {
		a2.asOf = asOf2
		a2.conf = p.jgbFresh.conf(asOf2, now)
	}
	return a1, a2, newHigh
}
