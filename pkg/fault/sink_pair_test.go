package fault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Two sinks share the durable consumer while 8,000 events are published;
// one is SIGKILLed mid-stream. The other carries on alone: it stores the
// rest and, after the ack wait, what the dead one held unacked.
func TestSinkKilledBesideAnotherLosesNothing(t *testing.T) {
	const n = 8000
	ctx := caseContext(t)
	ns, db, js := startStores(t)

	env := sinkEnv(ns.URL, db)
	victim := startSink(t, "sink-a", env)
	survivor := startSink(t, "sink-b", env)
	events := synthetic(n, 2)
	pub := publishInBackground(ctx, js, eventMsgs(t, events))
	consumed := func(p *proc) float64 {
		v, err := p.scrape("cw_sink_messages_consumed_total", "stream", natsfx.StreamEvents)
		if err != nil {
			return 0
		}
		return v
	}
	require.Eventually(t, func() bool {
		return pub.acknowledged() >= n/3 && consumed(victim) > 0 && consumed(survivor) > 0
	}, recoveryBound, 5*time.Millisecond, "both sinks consume while the events are published")
	byVictim := consumed(victim)
	victim.kill(t)
	killed := time.Now()
	published := pub.acknowledged()

	pub.wait(t)
	waitStored(t, db, eventViews, ids(events), recoveryBound)
	waitAckFloor(t, js, natsfx.StreamEvents, "sink-events", recoveryBound)
	assert.True(t, survivor.running(), "the surviving sink is still running")
	figure(t, "one of two sinks SIGKILLed after it consumed %.0f events, %d of %d published; the other stored all %d once within %s of the kill",
		byVictim, published, n, n, time.Since(killed).Round(time.Millisecond))
	survivor.stop(t)
}
