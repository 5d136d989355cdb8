package risk

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// fedState holds the FedOdds observations of the upcoming FOMC meetings.
type fedState struct {
	// Meetings are the upcoming meetings with odds, by decision day.
	Meetings []meetingObs `json:"meetings"`
	// B1Var is the EWMA of the squared 1-day path move (bp²), one sample
	// per UTC day of event time.
	B1Var float64 `json:"b1_var"`
	// FrozenB1 and FrozenB2 are the components at the last print at which
	// the path was priced; they stand in (and age) while it is not.
	FrozenB1 *frozenComp `json:"frozen_b1,omitempty"`
	FrozenB2 *frozenComp `json:"frozen_b2,omitempty"`
}

// meetingObs is one meeting's odds, by source.
type meetingObs struct {
	Day     int32       `json:"day"` // decision day, days since the epoch
	Sources []sourceObs `json:"sources"`
}

// sourceObs is one source's observations of one meeting, oldest first.
type sourceObs struct {
	Source string   `json:"source"`
	Obs    []fedObs `json:"obs"`
}

// fedObs is one FedOdds observation reduced to its expected change.
type fedObs struct {
	Ms    int64   `json:"ms"`     // observed_at, Unix ms
	Exp   float64 `json:"exp_bp"` // Σ change × probability, bp, vs the range in force at Ms
	Base  float64 `json:"base_bp"`
	Based bool    `json:"based"` // Base (the target range midpoint at Ms, bp) is known
}

// frozenComp is a component value kept for when its input cannot be
// recomputed.
type frozenComp struct {
	Score float64 `json:"score"`
	Raw   float64 `json:"raw"`
	AsOf  int64   `json:"as_of"`
}

// cutoff returns the time a meeting leaves the "next meetings" set.
func (m *Model) cutoff(d int32) int64 {
	return int64(d)*msPerDay + int64(m.p.decisionHour)*msPerHour
}

// baseBP returns the midpoint of the federal funds target range in force at
// ms, in bp, per the shipped FOMC history (fomc.Calendar.RangeAt).
// RangeAt depends only on the UTC day, so the answer is memoized per day.
func (m *Model) baseBP(ms int64) (float64, bool) {
	if m.cal == nil {
		return 0, false
	}
	d := day(ms)
	rc := &m.rangeCache
	for i := range rc.e {
		if e := &rc.e[i]; e.set && e.day == d {
			return e.bp, e.ok
		}
	}
	var bp float64
	r, err := m.cal.RangeAt(time.UnixMilli(ms).UTC())
	if err == nil {
		bp = r.Midpoint() * 100
	}
	rc.e[rc.next] = rangeEntry{set: true, day: d, bp: bp, ok: err == nil}
	rc.next = (rc.next + 1) % len(rc.e)
	return bp, err == nil
}

// rangeCache is a small memo of baseBP by UTC day (evaluation time and
// observation times are usually on one or two days).
type rangeCache struct {
	e    [4]rangeEntry
	next int
}

type rangeEntry struct {
	set bool
	day int32
	bp  float64
	ok  bool
}

// applyFed records a FedOdds observation of a scheduled meeting that is
// still upcoming at the event time; others are ignored. A later
// observation by the same source in the same minute replaces the earlier.
func (m *Model) applyFed(e *event.FedOdds) {
	d, err := time.Parse(time.DateOnly, e.Meeting)
	if err != nil {
		return
	}
	md := int32(d.Unix() / 86400)
	if _, ok := slices.BinarySearch(m.meetingDays, md); !ok || m.cutoff(md) <= m.s.Now {
		return
	}
	ms := e.ObservedAt.UnixMilli()
	o := fedObs{Ms: ms, Exp: e.ExpectedChangeBP()}
	o.Base, o.Based = m.baseBP(ms)

	fs := &m.s.Fed
	mi, found := slices.BinarySearchFunc(fs.Meetings, md, func(x meetingObs, t int32) int { return int(x.Day - t) })
	if !found {
		fs.Meetings = slices.Insert(fs.Meetings, mi, meetingObs{Day: md})
	}
	mt := &fs.Meetings[mi]
	si, found := slices.BinarySearchFunc(mt.Sources, e.Source, func(x sourceObs, t string) int { return strings.Compare(x.Source, t) })
	if !found {
		mt.Sources = slices.Insert(mt.Sources, si, sourceObs{Source: e.Source})
	}
	so := &mt.Sources[si]
	// One observation per source, meeting and minute: the latest of a
	// minute replaces the others, so a source publishing many times a
	// second cannot grow the state (or the snapshot) beyond the window's
	// minutes. The model reads paths a day and weeks back; a minute is far
	// below what it resolves.
	bucket := ms / fedObsResolutionMs
	oi, _ := slices.BinarySearchFunc(so.Obs, ms, func(x fedObs, t int64) int { return cmp.Compare(x.Ms, t) })
	switch {
	case oi < len(so.Obs) && so.Obs[oi].Ms/fedObsResolutionMs == bucket:
		if so.Obs[oi].Ms <= ms { // the same instant: the later message wins
			so.Obs[oi] = o
		} // else a later observation of the minute is already kept
	case oi > 0 && so.Obs[oi-1].Ms/fedObsResolutionMs == bucket:
		so.Obs[oi-1] = o
	default:
		so.Obs = slices.Insert(so.Obs, oi, o)
	}
	m.pruneFed()
}

// fedObsResolutionMs is the finest time step of the kept FedOdds history.
const fedObsResolutionMs = 60_000

// pruneFed drops meetings that are no longer upcoming and observations too
// old to be the as-of value at now − b2 window (keeping the last one before).
func (m *Model) pruneFed() {
	fs := &m.s.Fed
	now := m.s.Now
	fs.Meetings = slices.DeleteFunc(fs.Meetings, func(x meetingObs) bool { return m.cutoff(x.Day) <= now })
	keep := now - m.p.b2WindowMs - m.p.b1WindowMs
	for i := range fs.Meetings {
		for j := range fs.Meetings[i].Sources {
			so := &fs.Meetings[i].Sources[j]
			k := 0
			for k+1 < len(so.Obs) && so.Obs[k+1].Ms <= keep {
				k++
			}
			// Reslicing drops the prefix without copying the rest on every
			// prune; append reallocates to the live length when the
			// capacity runs out, so memory stays within twice the window.
			so.Obs = so.Obs[k:]
		}
	}
}

// nextMeetings returns the decision days of the next meetings after now.
func (m *Model) nextMeetings(now int64) []int32 {
	i, _ := slices.BinarySearchFunc(m.meetingDays, now, func(d int32, t int64) int { return cmp.Compare(m.cutoff(d), t+1) })
	return m.meetingDays[i:min(i+m.p.meetings, len(m.meetingDays))]
}

// path is the expected cumulative change at each of the next meetings, in
// bp relative to the range in force at the evaluation time.
type path struct {
	points [maxMeetings]float64
	n      int
	priced bool
	newest int64 // newest observation in any meeting's consensus
}

const maxMeetings = 8

// pathAt returns the path over the meetings set as known at asOf: per
// meeting, the mean of each source's latest observation at or before asOf
// that lags the freshest of them by at most max_source_lag, rebased to the
// range in force at the evaluation time (base); a meeting without odds
// carries the previous point forward, the first one 0 (no change).
func (m *Model) pathAt(set []int32, asOf int64, base float64, based bool) path {
	var pt path
	pt.n = len(set)
	prev := 0.0
	for k, md := range set {
		v, newest, ok := m.consensus(md, asOf, base, based)
		if ok {
			prev = v
			pt.priced = true
			pt.newest = max(pt.newest, newest)
		}
		pt.points[k] = prev
	}
	return pt
}

func (m *Model) consensus(md int32, asOf int64, base float64, based bool) (float64, int64, bool) {
	mt := m.meeting(md)
	if mt == nil {
		return 0, 0, false
	}
	srcs := mt.Sources
	// ks caches each source's as-of index for the second pass (sources
	// beyond its size are searched again).
	var ks [8]int
	newest := int64(math.MinInt64)
	for i, so := range srcs {
		k := latestAtOrBefore(so.Obs, asOf)
		if i < len(ks) {
			ks[i] = k
		}
		if k >= 0 {
			newest = max(newest, so.Obs[k].Ms)
		}
	}
	var sum float64
	var n int
	for i, so := range srcs {
		var k int
		if i < len(ks) {
			k = ks[i]
		} else {
			k = latestAtOrBefore(so.Obs, asOf)
		}
		if k < 0 || so.Obs[k].Ms < newest-m.p.maxSourceLag {
			continue
		}
		o := so.Obs[k]
		v := o.Exp
		if o.Based && based {
			v += o.Base - base
		}
		sum += v
		n++
	}
	if n == 0 {
		return 0, 0, false
	}
	return sum / float64(n), newest, true
}

// meeting returns the odds of the meeting on decision day md, nil if none.
// There are a handful of upcoming meetings: a scan beats a binary search.
func (m *Model) meeting(md int32) *meetingObs {
	for i := range m.s.Fed.Meetings {
		if mt := &m.s.Fed.Meetings[i]; mt.Day == md {
			return mt
		}
	}
	return nil
}

// latestAtOrBefore returns the index of the last observation at or before
// ms, −1 if none (obs is sorted by Ms, without duplicates).
func latestAtOrBefore(obs []fedObs, ms int64) int {
	// Find the first index with Ms > ms; the one before it is the answer.
	lo, hi := 0, len(obs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if obs[mid].Ms <= ms {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo - 1
}

// earliest returns the time of the oldest kept observation of the meetings
// in set (MaxInt64 if none).
func (m *Model) earliest(set []int32) int64 {
	e := int64(math.MaxInt64)
	for _, mt := range m.s.Fed.Meetings {
		if !slices.Contains(set, mt.Day) {
			continue
		}
		for _, so := range mt.Sources {
			if len(so.Obs) > 0 {
				e = min(e, so.Obs[0].Ms)
			}
		}
	}
	return e
}

// fedComponents returns B1 and B2 at now and whether they are live (the
// path is priced now) rather than frozen.
func (m *Model) fedComponents(now int64) (b1, b2 compVal, live bool) {
	p := m.p
	set := m.nextMeetings(now)
	base, based := m.baseBP(now)
	cur := m.pathAt(set, now, base, based)
	if !cur.priced {
		fs := &m.s.Fed
		for _, fz := range []struct {
			f *frozenComp
			c *compVal
		}{{fs.FrozenB1, &b1}, {fs.FrozenB2, &b2}} {
			if fz.f != nil {
				*fz.c = compVal{ok: true, score: fz.f.Score, raw: fz.f.Raw, asOf: fz.f.AsOf, conf: p.fedFresh.conf(fz.f.AsOf, now)}
			}
		}
		return b1, b2, false
	}
	first := m.earliest(set)
	ref := func(window int64) path {
		pt := m.pathAt(set, now-window, base, based)
		if !pt.priced {
			pt = m.pathAt(set, first, base, based)
		}
		return pt
	}
	prev, old := ref(p.b1WindowMs), ref(p.b2WindowMs)
	var move, chg float64
	for k := range cur.n {
		move += math.Abs(cur.points[k] - prev.points[k])
		chg += cur.points[k] - old.points[k]
	}
	sd := math.Max(math.Sqrt(m.s.Fed.B1Var), p.b1MinSD)
	conf := p.fedFresh.conf(cur.newest, now)
	b1 = compVal{ok: true, score: halfNormal(move / sd), raw: move, asOf: cur.newest, conf: conf}
	b2 = compVal{ok: true, score: p.b2Ref.percentile(chg), raw: chg, asOf: cur.newest, conf: conf}
	return b1, b2, true
}
