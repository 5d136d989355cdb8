package outages

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Tracker turns the successive States of one venue into VenueStatus
// events: entering a state that is not normal opens an incident, leaving
// it resolves that incident (see the package documentation). It is safe
// for concurrent use; the zero value is not usable, call NewTracker.
type Tracker struct {
	venue, source string

	mu     sync.Mutex
	seen   bool      // a state has been observed
	lastAt time.Time // observation time of the latest accepted state
	open   *event.VenueStatus
}

// NewTracker returns a Tracker for venue whose events carry source. It
// returns an error wrapping feed.ErrBadParam if venue is not 1-64 of
// [a-z0-9_-] or source is not a valid event source.
func NewTracker(venue, source string) (*Tracker, error) {
	if err := checkVenueSource(venue, source); err != nil {
		return nil, fmt.Errorf("new tracker: %w", err)
	}
	return &Tracker{venue: venue, source: source}, nil
}

// Observe records state s, fetched at now, and returns the events it
// causes, unsealed: none if the state is unchanged (or is the first and
// normal), an open on entering an abnormal state, a resolve on leaving
// one, both on moving between two abnormal states. The observation time is
// s.At, or now when s.At is zero. A state older than the latest one
// observed is ignored with a warning, and so is a change of state at the
// same millisecond as the latest one (the two have no order; a later
// observation settles it). It returns an error wrapping
// feed.ErrBadBody, and changes nothing, if s has no Status, an unknown
// Severity, or a time before 1970 or later than now + event.MaxClockSkew.
func (t *Tracker) Observe(s State, now time.Time) (feed.Observations, error) {
	const what = "status tracker"
	var obs feed.Observations
	if s.Status == "" {
		return obs, badBody(what, "state has no status")
	}
	if !slices.Contains(event.Severities, s.Severity) {
		return obs, badBody(what, "state %q has unknown severity %q", s.Status, s.Severity)
	}
	at := s.At
	if at.IsZero() {
		at = now
	}
	at = event.Millis(at)
	if !inRange(at, now) {
		// Checked before anything else: a bogus time accepted as the
		// latest would make every later state look stale.
		return obs, badBody(what, "%s state %q at %s is not between 1970 and now (%s)",
			t.venue, s.Status, at.Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen && at.Before(t.lastAt) {
		obs.Warnings = append(obs.Warnings, fmt.Sprintf("%s state %q at %s is older than the last one seen (%s); ignored",
			t.venue, s.Status, at.Format(time.RFC3339Nano), t.lastAt.Format(time.RFC3339Nano)))
		return obs, nil
	}

	open := t.open
	leave := open != nil && (s.Normal || s.Status != open.Status)
	enter := !s.Normal && (open == nil || leave)
	if t.seen && (leave || enter) && at.Equal(t.lastAt) {
		// Two states at one instant have no order, and reopening at the
		// instant of the last open would reuse its incident and event ids.
		obs.Warnings = append(obs.Warnings, fmt.Sprintf("%s state %q at %s changes the state seen at the same millisecond; ignored until a later observation",
			t.venue, s.Status, at.Format(time.RFC3339Nano)))
		return obs, nil
	}

	var evs []*event.VenueStatus
	if leave {
		r := *open
		r.ObservedAt = at
		r.Action = event.ActionResolve
		r.Status = s.Status
		resolvedAt := at
		r.ResolvedAt = &resolvedAt
		evs = append(evs, &r)
		open = nil
	}
	if enter {
		open = &event.VenueStatus{
			Meta:       event.Meta{Source: t.source, ObservedAt: at},
			Venue:      t.venue,
			IncidentID: t.venue + "-" + s.Status + "-" + strconv.FormatInt(at.UnixMilli(), 10),
			Action:     event.ActionOpen,
			Severity:   s.Severity,
			Status:     s.Status,
			Title:      t.venue + " system status: " + s.Status,
			StartedAt:  at,
		}
		evs = append(evs, open)
	}
	if err := checkEvents(evs, now); err != nil {
		return feed.Observations{}, badBody(what, "%v", err)
	}
	t.seen, t.lastAt, t.open = true, at, open
	for _, e := range evs {
		c := *e // callers may seal what they get; t.open stays unsealed
		obs.Events = append(obs.Events, &c)
	}
	return obs, nil
}
