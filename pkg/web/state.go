package web

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

// maxDeadLetters bounds the dead letters of the last hour the page keeps.
const maxDeadLetters = 200

// deadLetterWindow is how far back the page counts dead letters.
const deadLetterWindow = time.Hour

// Point is one print on the chart.
type Point struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"` // the print's observed_at (event time)
	Index  float64   `json:"index"`
	Regime string    `json:"regime"`
}

// Quote is the latest BTC-USD observation.
type Quote struct {
	Value      float64   `json:"value"`
	Kind       string    `json:"kind"`
	Source     string    `json:"source"`
	ObservedAt time.Time `json:"observed_at"`
}

// Feed is the freshness of one source and kind of event.
type Feed struct {
	Source       string    `json:"source"`
	Kind         string    `json:"kind"`
	Events       uint64    `json:"events"`
	LastObserved time.Time `json:"last_observed"`
	LastReceived time.Time `json:"last_received"` // stream time of the latest one
	AgeSeconds   float64   `json:"age_seconds"`   // now − last observed
	State        string    `json:"state"`         // fresh or stale
}

// Incident is an open venue incident: its latest open or update.
type Incident struct {
	Venue      string    `json:"venue"`
	IncidentID string    `json:"incident_id"`
	Severity   string    `json:"severity"`
	Status     string    `json:"status,omitempty"`
	Title      string    `json:"title,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	ObservedAt time.Time `json:"observed_at"`
}

// DeadLetter is one dead letter of the last hour.
type DeadLetter struct {
	At              time.Time `json:"at"` // stream time
	Stage           string    `json:"stage"`
	Code            string    `json:"code"`
	Reason          string    `json:"reason"`
	OriginalSubject string    `json:"original_subject,omitempty"`
}

// Snapshot is everything the page shows, as sent to the browser.
type Snapshot struct {
	Now        time.Time        `json:"now"`
	Print      *event.RiskScore `json:"print"`
	Thresholds *[3]float64      `json:"thresholds"` // watch, elevated, stress entries; nil for an unknown model
	History    []Point          `json:"history"`
	CostBasis  *float64         `json:"cost_basis_usd"`
	BTC        *Quote           `json:"btc"`
	Feeds      []Feed           `json:"feeds"`
	// Sources are the polled sources' states when this process runs the
	// feeds (carrywatch up), else empty.
	Sources     []feed.State `json:"sources"`
	Incidents   []Incident   `json:"incidents"`
	DeadLetters []DeadLetter `json:"dead_letters"` // newest first
}

type feedKey struct{ source, kind string }

// State folds prints and events into what the page shows. It is safe for
// concurrent use; every method that changes it returns true when the page
// would change.
type State struct {
	cfg Config

	mu          sync.Mutex
	print       *event.RiskScore
	printSeq    uint64
	history     []Point // by stream sequence
	thresholds  map[string]*[3]float64
	btc         *Quote
	feeds       map[feedKey]*Feed
	sources     []feed.State
	incidents   map[string]Incident // venue/incident_id
	deadLetters []DeadLetter        // oldest first
}

// NewState returns an empty State keeping what cfg says.
func NewState(cfg Config) *State {
	return &State{
		cfg:        cfg.withDefaults(),
		thresholds: map[string]*[3]float64{},
		feeds:      map[feedKey]*Feed{},
		incidents:  map[string]Incident{},
	}
}

// AddPrint records print p stored at stream sequence seq. Prints may come
// out of order (the latest first, then the history before it): the
// current print is the one with the highest sequence, and a sequence seen
// before is ignored.
func (s *State) AddPrint(seq uint64, p *event.RiskScore) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := sort.Search(len(s.history), func(i int) bool { return s.history[i].Seq >= seq })
	if i < len(s.history) && s.history[i].Seq == seq {
		return false
	}
	pt := Point{Seq: seq, At: p.ObservedAt, Index: p.Index, Regime: p.Regime}
	s.history = append(s.history, Point{})
	copy(s.history[i+1:], s.history[i:])
	s.history[i] = pt
	if over := len(s.history) - s.cfg.MaxPoints; over > 0 {
		s.history = append(s.history[:0], s.history[over:]...)
	}
	if seq > s.printSeq {
		s.print, s.printSeq = p, seq
		if _, ok := s.thresholds[p.ModelVersion]; !ok {
			s.thresholds[p.ModelVersion] = thresholdsOf(p.ModelVersion)
		}
	}
	return true
}

// thresholdsOf returns the regime thresholds of a model version, nil if
// the version is unknown here.
func thresholdsOf(version string) *[3]float64 {
	cal, err := risk.CalibrationFor(version)
	if err != nil {
		return nil
	}
	t := cal.RegimeThresholds()
	return &t
}

// AddEvent records one event from CW_EVENTS received at stream time at.
// Heartbeats are the scorer's clock, not a feed, and are left out.
func (s *State) AddEvent(subject string, at time.Time, e event.Event) bool {
	if subject == event.SubjectHeartbeat {
		return false
	}
	m := e.Header()
	s.mu.Lock()
	defer s.mu.Unlock()
	k := feedKey{m.Source, kindOf(subject)}
	f := s.feeds[k]
	if f == nil {
		f = &Feed{Source: k.source, Kind: k.kind}
		s.feeds[k] = f
	}
	f.Events++
	if m.ObservedAt.After(f.LastObserved) {
		f.LastObserved = m.ObservedAt
	}
	if at.After(f.LastReceived) {
		f.LastReceived = at
	}
	switch e := e.(type) {
	case *event.MarketQuote:
		if e.Instrument == event.InstrumentBTCUSD && (s.btc == nil || !e.ObservedAt.Before(s.btc.ObservedAt)) {
			s.btc = &Quote{Value: e.Value, Kind: e.Kind, Source: e.Source, ObservedAt: e.ObservedAt}
		}
	case *event.VenueStatus:
		key := e.Venue + "/" + e.IncidentID
		prev, seen := s.incidents[key]
		switch {
		case e.Action == event.ActionResolve:
			delete(s.incidents, key)
		case seen && e.ObservedAt.Before(prev.ObservedAt):
			// an older step delivered late
		default:
			s.incidents[key] = Incident{Venue: e.Venue, IncidentID: e.IncidentID, Severity: e.Severity,
				Status: e.Status, Title: e.Title, StartedAt: e.StartedAt, ObservedAt: e.ObservedAt}
		}
	}
	return true
}

// AddDeadLetter records a dead letter stored at stream time at.
func (s *State) AddDeadLetter(at time.Time, d *event.DeadLetter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadLetters = append(s.deadLetters, DeadLetter{At: at, Stage: d.Stage, Code: d.Code,
		Reason: d.Reason, OriginalSubject: d.OriginalSubject})
	if over := len(s.deadLetters) - maxDeadLetters; over > 0 {
		s.deadLetters = append(s.deadLetters[:0], s.deadLetters[over:]...)
	}
	return true
}

// Snapshot returns what the page shows at now.
func (s *State) Snapshot(now time.Time) Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{
		Now:         now.UTC(),
		Print:       s.print,
		History:     append([]Point(nil), s.history...),
		BTC:         s.btc,
		Feeds:       []Feed{},
		Sources:     append([]feed.State{}, s.sources...),
		Incidents:   []Incident{},
		DeadLetters: []DeadLetter{},
	}
	if s.print != nil {
		snap.Thresholds = s.thresholds[s.print.ModelVersion]
		snap.CostBasis = s.print.ETFCostBasisUSD
	}
	for _, f := range s.feeds {
		g := *f
		age := now.Sub(g.LastObserved)
		g.AgeSeconds = age.Seconds()
		g.State = "fresh"
		if age > s.cfg.StaleAfter {
			g.State = "stale"
		}
		snap.Feeds = append(snap.Feeds, g)
	}
	sort.Slice(snap.Feeds, func(i, j int) bool {
		a, b := snap.Feeds[i], snap.Feeds[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Source < b.Source
	})
	for _, in := range s.incidents {
		snap.Incidents = append(snap.Incidents, in)
	}
	sort.Slice(snap.Incidents, func(i, j int) bool {
		a, b := snap.Incidents[i], snap.Incidents[j]
		if ra, rb := severityRank(a.Severity), severityRank(b.Severity); ra != rb {
			return ra < rb
		}
		return a.StartedAt.Before(b.StartedAt)
	})
	since := now.Add(-deadLetterWindow)
	for i := len(s.deadLetters) - 1; i >= 0; i-- {
		if d := s.deadLetters[i]; d.At.After(since) {
			snap.DeadLetters = append(snap.DeadLetters, d)
		}
	}
	return snap
}

// severityRank orders severities worst first.
func severityRank(sev string) int {
	for i, s := range event.Severities {
		if s == sev {
			return i
		}
	}
	return len(event.Severities)
}

// kindOf returns the kind of an event subject: "jgb.yield" for
// cw.events.jgb.yield.10Y.
func kindOf(subject string) string {
	parts := strings.Split(strings.TrimPrefix(subject, "cw.events."), ".")
	if len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return parts[0]
}
