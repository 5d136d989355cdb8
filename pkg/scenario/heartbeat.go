package scenario

import (
	"iter"
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// HeartbeatSource is the source of the heartbeats a replay adds.
const HeartbeatSource = "replay"

// WithHeartbeats returns events with a heartbeat at every multiple of every
// in event time between the first and the last event, so a replay advances
// event time through quiet stretches exactly as live heartbeats would.
// events must be in event-time order; every <= 0 returns events unchanged.
func WithHeartbeats(events []event.Event, every time.Duration) []event.Event {
	if every <= 0 || len(events) == 0 {
		return events
	}
	return slices.Collect(Heartbeats(slices.Values(events), every))
}

// Heartbeats is WithHeartbeats over a sequence: it adds the heartbeats as
// the events are read, holding none of them.
func Heartbeats(events iter.Seq[event.Event], every time.Duration) iter.Seq[event.Event] {
	if every <= 0 {
		return events
	}
	return func(yield func(event.Event) bool) {
		var next time.Time
		for ev := range events {
			at := ev.Header().ObservedAt
			if next.IsZero() {
				next = at.Truncate(every).Add(every)
			}
			for ; next.Before(at); next = next.Add(every) {
				if !yield(NewHeartbeat(HeartbeatSource, next)) {
					return
				}
			}
			if !yield(ev) {
				return
			}
		}
	}
}

// NewHeartbeat returns a sealed heartbeat at t. Two producers with the same
// source and t make the same id, so JetStream keeps one.
func NewHeartbeat(source string, t time.Time) *event.Heartbeat {
	hb := &event.Heartbeat{Meta: event.Meta{Source: source, ObservedAt: t, IngestedAt: t}}
	event.Seal(hb, t)
	return hb
}
