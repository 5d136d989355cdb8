package etfflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// testNow is the fetch time of every test: after all fixture dates.
var testNow = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// flows checks that every event is an unsealed *event.ETFFlow that seals
// and validates at testNow, with no key twice, and returns them by key
// (asset/ticker/trade_date).
func flows(t testing.TB, obs feed.Observations) map[string]*event.ETFFlow {
	t.Helper()
	byKey := make(map[string]*event.ETFFlow, len(obs.Events))
	for i, e := range obs.Events {
		f, ok := e.(*event.ETFFlow)
		require.Truef(t, ok, "event %d is %T", i, e)
		require.Emptyf(t, f.ID, "event %d is sealed already", i)
		sealed := *f
		event.Seal(&sealed, testNow)
		require.NoErrorf(t, sealed.Validate(testNow), "event %d %s", i, f.Key())
		_, dup := byKey[f.Key()]
		require.Falsef(t, dup, "key %s twice", f.Key())
		byKey[f.Key()] = f
	}
	return byKey
}

func ptr(v float64) *float64 { return &v }
