package event

import "time"

// Heartbeat advances event time when inputs are quiet, so freshness decays
// on schedule in live scoring and in replays alike. It carries no
// observation; the sink does not store it.
type Heartbeat struct {
	Meta
}

// SchemaName returns SchemaHeartbeat.
func (*Heartbeat) SchemaName() string { return SchemaHeartbeat }

// Key returns "heartbeat".
func (*Heartbeat) Key() string { return "heartbeat" }

// Subject returns cw.events.heartbeat.
func (*Heartbeat) Subject() string { return SubjectHeartbeat }

// Validate checks the common fields.
func (e *Heartbeat) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *Heartbeat) check(now time.Time, withID bool) error {
	return e.validate(SchemaHeartbeat, e.Key(), now, withID)
}
