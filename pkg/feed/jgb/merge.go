package jgb

import (
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Merge combines the observations of MoF's current-month file (current) and
// full-history file (history), as ParseMoF returns them, into one set: the
// union keyed by tenor and observed UTC date, taking current's value where
// both have one. A tenor that is "-" in one file and has a value in the other
// keeps that value. Events are sorted by date, then tenor in months; they are
// the inputs' own values, not copies. Warnings are current's, then
// history's. Within one input, the first event for a key wins. Merge cannot
// fail; nil events are dropped.
func Merge(current, history feed.Observations) feed.Observations {
	out := feed.Observations{
		Events:   make([]event.Event, 0, len(current.Events)+len(history.Events)),
		Warnings: append(append([]string(nil), current.Warnings...), history.Warnings...),
	}
	seen := make(map[mergeKey]bool, cap(out.Events))
	for _, evs := range [][]event.Event{current.Events, history.Events} {
		for _, e := range evs {
			if e == nil {
				continue
			}
			k := mergeKey{
				schema: e.SchemaName(),
				key:    e.Key(),
				date:   e.Header().ObservedAt.UTC().Format(time.DateOnly),
			}
			if seen[k] {
				continue
			}
			seen[k] = true
			out.Events = append(out.Events, e)
		}
	}
	sortEvents(out.Events)
	return out
}

// mergeKey identifies an observation across files: for a JGB yield, its
// tenor (the event key) on one UTC day.
type mergeKey struct {
	schema, key, date string
}
