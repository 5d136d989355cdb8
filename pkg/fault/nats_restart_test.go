package fault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// The nats-server is shut down while a sink stores the first 4,000 of
// 8,000 events, and the other 4,000 are published while it is down. A new
// server on the same port and file store brings back the streams, the
// messages and the sink's consumer; the publisher and the sink reconnect,
// and every event is stored once.
func TestNATSRestartLosesNothing(t *testing.T) {
	const n = 8000
	ctx := caseContext(t)
	ns, db, js := startStores(t)
	sink := startSink(t, "sink", sinkEnv(ns.URL, db))

	events := synthetic(n, 4)
	msgs := eventMsgs(t, events)
	_, err := publish(ctx, js, msgs[:n/2], nil, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, distinct, err := visible(ctx, db, eventViews)
		return err == nil && distinct > 0
	}, recoveryBound, 5*time.Millisecond, "the sink stores the first events")
	_, before, err := visible(ctx, db, eventViews)
	require.NoError(t, err)

	ns.Shutdown()
	down := time.Now()
	rest := publishInBackground(ctx, js, msgs[n/2:]) // retried until the server is back
	require.Eventually(t, func() bool { return !sink.ready() && rest.resent.Load() > 0 }, recoveryBound, 20*time.Millisecond,
		"while NATS is down the sink says it is not ready and the publisher has to send again")
	outage := time.Since(down)
	require.Less(t, before, uint64(n/2), "the server went down while the sink had a backlog")

	restarted := time.Now()
	ns.Restart(t)
	sink.waitReady(t, recoveryBound)
	reconnected := time.Since(restarted)
	rest.wait(t)
	republished := time.Since(restarted)
	waitStored(t, db, eventViews, ids(events), recoveryBound)
	waitAckFloor(t, js, natsfx.StreamEvents, "sink-events", recoveryBound)
	figure(t, "nats-server shut down with %d of %d events stored, down %s while the other %d were published (%d sent again); "+
		"after restart on its file store the sink was ready in %s, the publisher done in %s, all %d stored once %s after restart",
		before, n, outage.Round(time.Millisecond), n/2, rest.resent.Load(), reconnected.Round(time.Millisecond),
		republished.Round(time.Millisecond), n, time.Since(restarted).Round(time.Millisecond))
	sink.stop(t)
}
