package event

import (
	"time"
)

// Venue status actions.
const (
	ActionOpen    = "open"
	ActionUpdate  = "update"
	ActionResolve = "resolve"
)

// Severities, from worst to mildest.
const (
	SeverityHalt        = "halt"        // trading stopped
	SeverityMajor       = "major"       // major outage
	SeverityPartial     = "partial"     // partial outage
	SeverityDegraded    = "degraded"    // degraded performance
	SeverityMaintenance = "maintenance" // planned maintenance
	SeverityNone        = "none"        // informational
)

// Severities lists every severity, worst first.
var Severities = []string{SeverityHalt, SeverityMajor, SeverityPartial, SeverityDegraded, SeverityMaintenance, SeverityNone}

// VenueStatus is one step in the life of an outage, halt or incident on a
// trading venue: it opens, is updated, and resolves.
type VenueStatus struct {
	Meta
	// Venue is the venue's short lowercase name, e.g. "cme", "binance".
	Venue string `json:"venue"`
	// IncidentID identifies the incident at its source.
	IncidentID string `json:"incident_id"`
	// Action is open, update or resolve.
	Action string `json:"action"`
	// Severity is one of Severities.
	Severity string `json:"severity"`
	// Status is the source's own word for the state, e.g. "investigating".
	Status string `json:"status,omitempty"`
	// Title is the incident's headline.
	Title string `json:"title,omitempty"`
	// Components lists the affected systems, e.g. "Globex".
	Components []string `json:"components,omitempty"`
	// StartedAt is when the incident began, UTC.
	StartedAt time.Time `json:"started_at"`
	// ResolvedAt is when it ended; required when Action is resolve.
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// SchemaName returns SchemaVenueStatus.
func (*VenueStatus) SchemaName() string { return SchemaVenueStatus }

// Key returns venue/incident_id/action.
func (e *VenueStatus) Key() string { return e.Venue + "/" + e.IncidentID + "/" + e.Action }

// Subject returns cw.events.venue.status.<venue>.
func (e *VenueStatus) Subject() string { return SubjectVenueStatus(e.Venue) }

// Validate checks venue, incident id, action, severity and the time order
// started_at ≤ observed_at, started_at ≤ resolved_at.
func (e *VenueStatus) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *VenueStatus) check(now time.Time, withID bool) error {
	if err := matches("venue", e.Venue, isVenue, "must be 1-64 of [a-z0-9_-]"); err != nil {
		return err
	}
	if e.IncidentID == "" {
		return invalid("incident_id", ErrMissing, "")
	}
	if len(e.IncidentID) > 128 {
		return invalid("incident_id", ErrOutOfRange, "longer than 128 bytes")
	}
	if err := oneOf("action", e.Action, ActionOpen, ActionUpdate, ActionResolve); err != nil {
		return err
	}
	if err := oneOf("severity", e.Severity, Severities...); err != nil {
		return err
	}
	if e.StartedAt.IsZero() {
		return invalid("started_at", ErrMissing, "")
	}
	if e.StartedAt.After(e.ObservedAt) && !e.ObservedAt.IsZero() {
		return invalid("started_at", ErrOutOfRange, "after observed_at")
	}
	if e.Action == ActionResolve && e.ResolvedAt == nil {
		return invalid("resolved_at", ErrMissing, "required when action is resolve")
	}
	if e.ResolvedAt != nil && e.ResolvedAt.Before(e.StartedAt) {
		return invalid("resolved_at", ErrOutOfRange, "before started_at")
	}
	return e.validate(SchemaVenueStatus, e.Key(), now, withID)
}
