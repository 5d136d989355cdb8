package etfflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

// testNow is the fetch time of every test: after all fixture dates.
var testNow = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// flows checks that every event is an unsealed *event.ETFFlow that seals,
// validates at testNow and survives the wire (see feedtest.Sealed), with
// no key twice, and returns the unsealed events by key
// (asset/ticker/trade_date).
func flows(t testing.TB, obs feed.Observations) map[string]*event.ETFFlow {
	t.Helper()
	byKey := make(map[string]*event.ETFFlow, len(obs.Events))
	for i, sealed := range feedtest.Sealed[event.ETFFlow](t, obs, testNow) {
		_, dup := byKey[sealed.Key()]
		require.Falsef(t, dup, "key %s twice", sealed.Key())
		byKey[sealed.Key()] = obs.Events[i].(*event.ETFFlow)
	}
	return byKey
}

func ptr(v float64) *float64 { return &v }
