package scenario

import (
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
	out := make([]event.Event, 0, len(events)+len(events)/4)
	next := events[0].Header().ObservedAt.Truncate(every).Add(every)
	for _, ev := range events {
		at := ev.Header().ObservedAt
		for ; next.Before(at); next = next.Add(every) {
			out = append(out, NewHeartbeat(HeartbeatSource, next))
		}
		out = append(out, ev)
	}
	return out
}

// NewHeartbeat returns a sealed heartbeat at t. Two producers with the same
// source and t make the same id, so JetStream keeps one.
func NewHeartbeat(source string, t time.Time) *event.Heartbeat {
	hb := &event.Heartbeat{Meta: event.Meta{Source: source, ObservedAt: t, IngestedAt: t}}
	event.Seal(hb, t)
	return hb
}
