package backtest

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// story is what the chart and the HTML tables show, extracted from the prints
// and the inputs. Everything in it is sorted, so drawing it is deterministic.
type story struct {
	prints     []*event.RiskScore // by event time, then stream sequence
	start, end time.Time          // the time axis
	blocks     []string           // sorted block names
	regimes    []span             // runs of one regime, label = regime
	changes    []regimeChange     // the first print, then every change of regime
	triggers   []string           // sorted trigger names
	episodes   []episode          // by trigger, then start
	yields     []series           // JGB 2Y then 10Y, those present
	fed        []series           // expected change at the next meeting, one series per meeting
	assets     []string           // assets with TOTAL flows, sorted
	flows      []flowBar          // by day, then asset
	venues     []string           // venues with incidents, sorted
	incidents  []incident         // by venue, then start
	absent     []string           // input kinds with nothing to draw
}

type point struct {
	t time.Time
	v float64
}

type series struct {
	name string
	pts  []point
}

type span struct {
	from, to time.Time
	label    string
}

type regimeChange struct {
	at       time.Time
	seq      uint64
	from, to string // from is "" for the first print
	index    float64
	triggers []string
}

type episode struct {
	trigger  string
	from, to time.Time
	open     bool // still active at the last print
	prints   int
	peak     float64 // highest index while active
}

type flowBar struct {
	day   time.Time // the trade date, 00:00 UTC
	asset string
	usd   float64
}

type incident struct {
	venue, id, severity, title string
	from, to                   time.Time
	open                       bool // not resolved by the end of the axis
}

// Tenors drawn from the JGB yields.
var jgbTenors = []string{"2Y", "10Y"}

// newStory sorts and summarises prints and inputs. prints must be non-empty
// and free of nils (see checkPrints).
func newStory(prints []*event.RiskScore, inputs []event.Event) *story {
	st := &story{prints: slices.Clone(prints)}
	slices.SortStableFunc(st.prints, func(a, b *event.RiskScore) int {
		return cmp.Or(a.Watermark.EventTime.Compare(b.Watermark.EventTime),
			cmp.Compare(a.Watermark.StreamSeq, b.Watermark.StreamSeq))
	})
	st.start = st.prints[0].Watermark.EventTime.UTC()
	st.end = st.prints[len(st.prints)-1].Watermark.EventTime.UTC()
	if !st.end.After(st.start) { // one instant: give it an hour either side
		st.start, st.end = st.start.Add(-time.Hour), st.end.Add(time.Hour)
	}
	st.blocks = blockNames(st.prints)
	st.readPrints()
	st.readInputs(inputs)
	return st
}

// readPrints derives regime runs, regime changes and trigger episodes.
func (st *story) readPrints() {
	active := map[string]int{} // trigger → index into st.episodes
	for i, p := range st.prints {
		t := p.Watermark.EventTime.UTC()
		if i == 0 || p.Regime != st.prints[i-1].Regime {
			from := ""
			if i > 0 {
				from = st.prints[i-1].Regime
				st.regimes[len(st.regimes)-1].to = t
			}
			st.regimes = append(st.regimes, span{from: t, to: st.end, label: p.Regime})
			st.changes = append(st.changes, regimeChange{at: t, seq: p.Watermark.StreamSeq, from: from, to: p.Regime,
				index: p.Index, triggers: p.Triggers})
		}
		for _, name := range sortedUnique(p.Triggers) {
			k, ok := active[name]
			if !ok {
				k = len(st.episodes)
				active[name] = k
				st.episodes = append(st.episodes, episode{trigger: name, from: t, peak: p.Index})
			}
			st.episodes[k].prints++
			st.episodes[k].peak = max(st.episodes[k].peak, p.Index)
		}
		for name, k := range active {
			if !slices.Contains(p.Triggers, name) {
				st.episodes[k].to = t
				delete(active, name)
			}
		}
	}
	for _, k := range active {
		st.episodes[k].to, st.episodes[k].open = st.end, true
	}
	slices.SortStableFunc(st.episodes, func(a, b episode) int {
		return cmp.Or(cmp.Compare(a.trigger, b.trigger), a.from.Compare(b.from))
	})
	for _, e := range st.episodes {
		st.triggers = append(st.triggers, e.trigger)
	}
	st.triggers = slices.Compact(st.triggers)
}

// readInputs extracts the input series. Inputs are taken in observation
// order (ties in the order given); kinds other than JGB yields, Fed odds, ETF
// flows and venue status are ignored.
func (st *story) readInputs(inputs []event.Event) {
	r := inputReader{
		st:        st,
		yields:    map[string][]point{},
		odds:      map[string]float64{},
		flows:     map[flowKey]float64{},
		incidents: map[string]*incident{},
	}
	for _, e := range byObservation(inputs) {
		r.read(e)
	}
	r.drawFed()
	st.setYields(r.yields)
	st.clipFed()
	st.setFlows(r.flows)
	st.setIncidents(r.incidents)
	st.noteAbsent()
}

// byObservation returns the inputs that have a header, in observation
// order, ties in the order given.
func byObservation(inputs []event.Event) []event.Event {
	in := slices.Clone(inputs)
	in = slices.DeleteFunc(in, func(e event.Event) bool { return e == nil || e.Header() == nil })
	slices.SortStableFunc(in, func(a, b event.Event) int { return a.Header().ObservedAt.Compare(b.Header().ObservedAt) })
	return in
}

// flowKey is one asset's total flow on one trade date.
type flowKey struct{ asset, date string }

// inputReader collects each kind's raw series from inputs read in
// observation order; the Fed odds are drawn into the story's series batch
// by batch as they are read.
type inputReader struct {
	st        *story
	yields    map[string][]point  // tenor → yields, one per observation time
	odds      map[string]float64  // meeting → latest expected change
	fedAt     time.Time           // when the current batch of odds was observed
	fedSeen   bool                // a batch of odds is not drawn yet
	flows     map[flowKey]float64 // the latest total per asset and date
	incidents map[string]*incident
}

// read takes in one input.
func (r *inputReader) read(e event.Event) {
	at := e.Header().ObservedAt.UTC()
	if _, ok := e.(*event.FedOdds); ok && r.fedSeen && !at.Equal(r.fedAt) {
		r.drawFed() // a new batch of odds: draw the last one
		r.fedSeen = false
	}
	switch e := e.(type) {
	case *event.JGBYield:
		r.yield(e, at)
	case *event.FedOdds:
		r.odds[e.Meeting] = e.ExpectedChangeBP()
		r.fedAt, r.fedSeen = at, true
	case *event.ETFFlow:
		if e.Ticker == event.TickerTotal {
			r.flows[flowKey{e.Asset, e.TradeDate}] = e.FlowUSD
		}
	case *event.VenueStatus:
		r.venueStatus(e)
	}
}

// yield adds a yield of a drawn tenor; a later one observed at the same
// time replaces it.
func (r *inputReader) yield(e *event.JGBYield, at time.Time) {
	if !slices.Contains(jgbTenors, e.Tenor) {
		return
	}
	pts := r.yields[e.Tenor]
	if n := len(pts); n > 0 && pts[n-1].t.Equal(at) {
		pts = pts[:n-1]
	}
	r.yields[e.Tenor] = append(pts, point{t: at, v: e.YieldPct})
}

// venueStatus updates the incident e reports: its latest title, its most
// severe unresolved severity, and its end once resolved.
func (r *inputReader) venueStatus(e *event.VenueStatus) {
	key := e.Venue + "/" + e.IncidentID
	inc, ok := r.incidents[key]
	if !ok {
		inc = &incident{venue: e.Venue, id: e.IncidentID, severity: e.Severity, from: e.StartedAt.UTC(), open: true}
		r.incidents[key] = inc
	}
	if e.Title != "" {
		inc.title = e.Title
	}
	if e.Action != event.ActionResolve && severityRank(e.Severity) < severityRank(inc.severity) {
		inc.severity = e.Severity
	}
	if e.Action == event.ActionResolve && e.ResolvedAt != nil {
		inc.to, inc.open = e.ResolvedAt.UTC(), false
	}
}

// drawFed adds the expected change at the next meeting on or after the
// current batch's day to that meeting's series, if a batch was read.
func (r *inputReader) drawFed() {
	if !r.fedSeen {
		return
	}
	day := r.fedAt.UTC().Format(time.DateOnly)
	next := ""
	for m := range r.odds {
		if m >= day && (next == "" || m < next) {
			next = m
		}
	}
	if next == "" {
		return
	}
	st := r.st
	name := "FOMC " + next
	if n := len(st.fed); n == 0 || st.fed[n-1].name != name {
		st.fed = append(st.fed, series{name: name})
	}
	s := &st.fed[len(st.fed)-1]
	s.pts = append(s.pts, point{t: r.fedAt.UTC(), v: r.odds[next]})
}

// setYields keeps the yields of each drawn tenor within the axis.
func (st *story) setYields(yields map[string][]point) {
	for _, tenor := range jgbTenors {
		if pts := clipSeries(yields[tenor], st.start, st.end); len(pts) > 0 {
			st.yields = append(st.yields, series{name: tenor, pts: pts})
		}
	}
}

// clipFed keeps the Fed odds within the axis, dropping series left empty.
func (st *story) clipFed() {
	fed := st.fed[:0]
	for _, s := range st.fed {
		if s.pts = clipSeries(s.pts, st.start, st.end); len(s.pts) > 0 {
			fed = append(fed, s)
		}
	}
	st.fed = fed
}

// setFlows keeps the daily flows whose trade date overlaps the axis, by
// date then asset, and lists their assets.
func (st *story) setFlows(flows map[flowKey]float64) {
	for k, usd := range flows {
		day, err := time.Parse(time.DateOnly, k.date)
		if err != nil || !day.Add(24*time.Hour).After(st.start) || day.After(st.end) {
			continue
		}
		st.flows = append(st.flows, flowBar{day: day, asset: k.asset, usd: usd})
		st.assets = append(st.assets, k.asset)
	}
	slices.SortFunc(st.flows, func(a, b flowBar) int {
		return cmp.Or(a.day.Compare(b.day), cmp.Compare(a.asset, b.asset))
	})
	slices.Sort(st.assets)
	st.assets = slices.Compact(st.assets)
}

// setIncidents keeps the incidents that overlap the axis (an open one
// lasts to its end), by venue, start and id, and lists their venues.
func (st *story) setIncidents(incidents map[string]*incident) {
	for _, inc := range incidents {
		if inc.open {
			inc.to = st.end
		}
		if inc.to.Before(st.start) || inc.from.After(st.end) {
			continue
		}
		st.incidents = append(st.incidents, *inc)
		st.venues = append(st.venues, inc.venue)
	}
	slices.SortFunc(st.incidents, func(a, b incident) int {
		return cmp.Or(cmp.Compare(a.venue, b.venue), a.from.Compare(b.from), cmp.Compare(a.id, b.id))
	})
	slices.Sort(st.venues)
	st.venues = slices.Compact(st.venues)
}

// noteAbsent names the input kinds with nothing to draw.
func (st *story) noteAbsent() {
	for _, k := range []struct {
		name  string
		empty bool
	}{
		{"JGB yields", len(st.yields) == 0},
		{"Fed odds", len(st.fed) == 0},
		{"ETF flows", len(st.flows) == 0},
	} {
		if k.empty {
			st.absent = append(st.absent, k.name)
		}
	}
}

// clipSeries returns the part of pts inside [t0, t1], with values
// interpolated at the ends when the series crosses them.
func clipSeries(pts []point, t0, t1 time.Time) []point {
	var out []point
	for i, p := range pts {
		in := !p.t.Before(t0) && !p.t.After(t1)
		if i > 0 {
			q := pts[i-1]
			if q.t.Before(t0) && p.t.After(t0) {
				out = append(out, interpolate(q, p, t0))
			}
			if in {
				out = append(out, p)
			}
			if q.t.Before(t1) && p.t.After(t1) {
				out = append(out, interpolate(q, p, t1))
			}
			continue
		}
		if in {
			out = append(out, p)
		}
	}
	return out
}

func interpolate(a, b point, t time.Time) point {
	f := float64(t.Sub(a.t)) / float64(b.t.Sub(a.t))
	return point{t: t, v: a.v + f*(b.v-a.v)}
}

// severityRank orders severities worst first; unknown ones rank last.
func severityRank(s string) int {
	if i := slices.Index(event.Severities, s); i >= 0 {
		return i
	}
	return len(event.Severities)
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// modelVersions returns the distinct model versions and calibration hashes
// of the prints, each sorted.
func (st *story) modelVersions() (versions, hashes []string) {
	for _, p := range st.prints {
		versions = append(versions, p.ModelVersion)
		hashes = append(hashes, p.CalibrationHash)
	}
	return sortedUnique(versions), sortedUnique(hashes)
}

// describe says what an episode or incident covered, for tooltips and tables.
func describeSpan(from, to time.Time, open bool) string {
	if open {
		return fmt.Sprintf("%s → still active at the last print", utc(from))
	}
	return fmt.Sprintf("%s → %s (%s)", utc(from), utc(to), duration(to.Sub(from)))
}

// duration writes d for people: "2d 4h", "3h 20m", "45m", "12s".
func duration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}
