package feedtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Sealed checks that every event of obs is an unsealed *E, as parsers
// return them, seals a copy of each at now and requires the copy to
// validate and to come back the same from event.Marshal and event.Parse,
// which hold it to its JSON Schema's field rules. It returns the sealed
// copies in the order of obs.Events (nil for none), leaving the events
// themselves unsealed.
func Sealed[E any, P interface {
	*E
	event.Event
}](tb testing.TB, obs feed.Observations, now time.Time) []P {
	tb.Helper()
	var out []P
	for _, e := range obs.Events {
		p, ok := e.(P)
		require.Truef(tb, ok, "event %T is not a %T", e, p)
		require.Empty(tb, p.Header().ID, "parsers return unsealed events")
		c := P(new(E))
		*c = *p
		event.Seal(c, now)
		require.NoError(tb, c.Validate(now), "%+v", c)
		b, err := event.Marshal(c)
		require.NoError(tb, err)
		back, err := event.Parse(b, now)
		require.NoError(tb, err, "%s", b)
		assert.Equal(tb, c, back)
		out = append(out, c)
	}
	return out
}
