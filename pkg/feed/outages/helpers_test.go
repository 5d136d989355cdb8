package outages_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// now is the fixed validation time of every test.
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ts parses an RFC 3339 time into the UTC millisecond form events carry.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return event.Millis(v)
}

func ptr[T any](v T) *T { return &v }

// sealed seals a copy of every event at now and requires it to validate
// and to survive the wire: Marshal, then event.Parse, which holds it to its
// JSON Schema's field rules. It returns the sealed copies.
func sealed(t testing.TB, obs feed.Observations) []*event.VenueStatus {
	t.Helper()
	var out []*event.VenueStatus
	for _, e := range obs.Events {
		vs, ok := e.(*event.VenueStatus)
		require.Truef(t, ok, "event %T is not a *event.VenueStatus", e)
		assert.Empty(t, vs.ID, "parsers return unsealed events")
		c := *vs
		event.Seal(&c, now)
		require.NoError(t, c.Validate(now), "%s %s", c.IncidentID, c.Action)
		b, err := event.Marshal(&c)
		require.NoError(t, err)
		back, err := event.Parse(b, now)
		require.NoError(t, err, "%s", b)
		assert.Equal(t, &c, back)
		out = append(out, &c)
	}
	return out
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
