package scorer

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func usdjpy(at time.Time, v float64) *event.MarketQuote {
	e := &event.MarketQuote{Meta: event.Meta{Source: "fred", ObservedAt: at}, Instrument: "USDJPY", Value: v, Unit: "JPY per USD", Kind: "close"}
	event.Seal(e, at)
	return e
}

// A value older than its series' latest day is stored by the sink but left
// out of the index: the scorer counts it and says so in its log.
func TestLateObservationsAreCountedAndLogged(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	logs := &logtest.Buffer{}
	s := newTestScorer(t, ns.URL, nil, logs)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { _ = s.Stop(context.Background()) })

	day := time.Date(2025, 11, 20, 17, 0, 0, 0, time.UTC)
	last := publishEvents(t, js, []event.Event{usdjpy(day, 155.2), usdjpy(day.AddDate(0, 0, 1), 156.1), usdjpy(day.AddDate(0, 0, -3), 150)})
	waitWatermark(t, s, last)
	assert.Equal(t, 1.0, testutil.ToFloat64(s.m.late))
	assert.Contains(t, logs.String(), "observation older than its series' latest day")
	assert.Contains(t, logs.String(), `"subject":"cw.events.market.quote.USDJPY"`)
	assert.Contains(t, logs.String(), `"observed_at":"2025-11-17T17:00:00Z"`)
}

// Held heartbeats wait for their release: none is published while the
// scorer works through its input, one follows the release.
func TestHeldHeartbeatsWaitForTheRelease(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	s := newTestScorer(t, ns.URL, func(c *Config) { c.Heartbeat = time.Millisecond }, io.Discard)
	release := make(chan struct{})
	s.HoldHeartbeats(release)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { _ = s.Stop(context.Background()) })

	var evs []event.Event
	for i := range 200 {
		evs = append(evs, usdjpy(time.Date(2025, 1, 1, 17, 0, 0, 0, time.UTC).AddDate(0, 0, i), 150+float64(i%7)))
	}
	last := publishEvents(t, js, evs)
	waitWatermark(t, s, last)
	st, err := js.Stream(context.Background(), natsfx.StreamEvents)
	require.NoError(t, err)
	info, err := st.Info(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(len(evs)), info.State.Msgs, "no heartbeat while held")

	close(release)
	require.Eventually(t, func() bool {
		info, err := st.Info(context.Background())
		return err == nil && info.State.Msgs > uint64(len(evs))
	}, time.Minute, 5*time.Millisecond, "a heartbeat after the release")
	assert.NotEmpty(t, natstest.Stored(t, js, natsfx.StreamEvents, event.SubjectHeartbeat))
}
