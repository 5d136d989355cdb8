package outages_test

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

// now is the fixed validation time of every test.
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ts parses an RFC 3339 time into the UTC millisecond form events carry.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	return event.Millis(feedtest.UTC(t, s))
}

func ptr[T any](v T) *T { return &v }

// sealed seals a copy of every event at now and requires it to validate
// and to survive the wire (see feedtest.Sealed). It returns the sealed
// copies.
func sealed(t testing.TB, obs feed.Observations) []*event.VenueStatus {
	t.Helper()
	return feedtest.Sealed[event.VenueStatus](t, obs, now)
}

// sealAs seals the expected events as sealed seals the parsed ones.
func sealAs(want []*event.VenueStatus) []*event.VenueStatus {
	for _, e := range want {
		event.Seal(e, now)
	}
	return want
}

func ids(evs []*event.VenueStatus) []string {
	out := make([]string, 0, len(evs))
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}
