package risk

import (
	"slices"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// venueState holds the incidents that are open, recently resolved (E2), or
// remembered so that a late duplicate cannot reopen them.
type venueState struct {
	Incidents []incident `json:"incidents"` // by venue, then id
	LastMs    int64      `json:"last_ms"`   // newest venue-status observation
}

// incident is one outage, halt or incident on one venue.
type incident struct {
	Venue      string  `json:"venue"`
	ID         string  `json:"id"`
	Open       bool    `json:"open"`
	Severity   string  `json:"severity"`    // latest severity while open
	Peak       float64 `json:"peak"`        // max weight × severity factor over its life
	LastMs     int64   `json:"last_ms"`     // newest observation of it
	ResolvedMs int64   `json:"resolved_ms"` // when it ended (resolved_at, at most observed_at)
}

// tombstoneMs is how long a resolved incident is remembered.
const tombstoneMs = 7 * msPerDay

// weight returns the venue's E1 weight.
func (m *Model) weight(venue string) float64 {
	if w, ok := m.p.venueWeights[venue]; ok {
		return w
	}
	return m.p.defaultWeight
}

// applyVenue records a step of an incident. A step older than the
// incident's newest is ignored, so a late open cannot reopen a resolved
// incident; a resolve of an incident never seen open still starts E2.
func (m *Model) applyVenue(e *event.VenueStatus) {
	vs := &m.s.Venue
	ms := e.ObservedAt.UnixMilli()
	vs.LastMs = max(vs.LastMs, ms)
	key := func(x incident, v [2]string) int {
		if c := strings.Compare(x.Venue, v[0]); c != 0 {
			return c
		}
		return strings.Compare(x.ID, v[1])
	}
	i, found := slices.BinarySearchFunc(vs.Incidents, [2]string{e.Venue, e.IncidentID}, key)
	if !found {
		vs.Incidents = slices.Insert(vs.Incidents, i, incident{Venue: e.Venue, ID: e.IncidentID})
	} else if ms < vs.Incidents[i].LastMs {
		return
	}
	in := &vs.Incidents[i]
	in.LastMs = ms
	in.Peak = max(in.Peak, m.weight(e.Venue)*m.p.severity[e.Severity])
	if e.Action == event.ActionResolve {
		in.Open = false
		in.ResolvedMs = ms
		if e.ResolvedAt != nil {
			in.ResolvedMs = min(ms, e.ResolvedAt.UnixMilli())
		}
		return
	}
	in.Open = true
	in.Severity = e.Severity
	in.ResolvedMs = 0
}

// pruneVenue forgets incidents resolved longer ago than the tombstone span.
func (m *Model) pruneVenue(now int64) {
	vs := &m.s.Venue
	vs.Incidents = slices.DeleteFunc(vs.Incidents, func(x incident) bool {
		return !x.Open && x.ResolvedMs < now-max(tombstoneMs, m.p.e2HorizonMs)
	})
}

// venueComponents returns E1 (always present: venue status is
// event-driven, no open incident is a known 0) and E2 (present from a
// resolve until e2_horizon has passed).
func (m *Model) venueComponents(now int64) (e1, e2 compVal) {
	p := m.p
	vs := &m.s.Venue
	var sum, sev float64
	venue := ""
	flush := func() {
		if venue != "" {
			sum += m.weight(venue) * sev
		}
	}
	for _, in := range vs.Incidents {
		if in.Venue != venue {
			flush()
			venue, sev = in.Venue, 0
		}
		if in.Open {
			sev = max(sev, p.severity[in.Severity])
		}
	}
	flush()
	asOf := now
	if vs.LastMs > 0 {
		asOf = min(vs.LastMs, now)
	}
	e1 = compVal{ok: true, score: clamp01(sum), raw: sum, asOf: asOf, conf: 1}
	for _, in := range vs.Incidents {
		if in.Open || in.ResolvedMs > now || now-in.ResolvedMs >= p.e2HorizonMs {
			continue
		}
		h := in.Peak * decay(float64(now-in.ResolvedMs)/float64(p.e2HalfLifeMs))
		if !e2.ok || h > e2.score {
			e2 = compVal{ok: true, score: clamp01(h), raw: h, asOf: in.ResolvedMs, conf: 1}
		}
	}
	return e1, e2
}
