package fault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// A sink process is SIGKILLed while it inserts a backlog of 8,000 events:
// batches it had read, and inserts it had in flight, die with it unacked.
// A new sink on the same durable consumer stores every event once.
func TestSinkKilledMidBatchLosesNothing(t *testing.T) {
	const n = 8000
	ctx := caseContext(t)
	ns, db, js := startStores(t)
	events := synthetic(n, 1)
	_, err := publish(ctx, js, eventMsgs(t, events), nil, nil)
	require.NoError(t, err)

	env := sinkEnv(ns.URL, db)
	first := startSink(t, "sink-1", env)
	require.Eventually(t, func() bool {
		_, distinct, err := visible(ctx, db, eventViews)
		return err == nil && distinct > 0
	}, recoveryBound, 5*time.Millisecond, "the first sink stores some of the backlog")
	first.kill(t)

	_, before, err := visible(ctx, db, eventViews)
	require.NoError(t, err)
	info, err := consumerInfo(ctx, js, natsfx.StreamEvents, "sink-events")
	require.NoError(t, err)
	require.Less(t, before, uint64(n), "killed mid-backlog")
	require.Positive(t, info.NumAckPending, "killed holding delivered, unacked messages")

	restarted := time.Now()
	second := startSink(t, "sink-2", env)
	stored := waitStored(t, db, eventViews, ids(events), recoveryBound)
	waitAckFloor(t, js, natsfx.StreamEvents, "sink-events", recoveryBound)
	figure(t, "sink SIGKILLed with %d of %d events stored and %d delivered unacked; restarted sink stored all %d once %s after its start (%s after it was ready)",
		before, n, info.NumAckPending, n, time.Since(restarted).Round(time.Millisecond), stored.Round(time.Millisecond))
	second.stop(t)
}
