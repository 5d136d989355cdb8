package fault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// ClickHouse is stopped while a sink inserts 8,000 events that keep being
// published. While it is down the sink acks nothing (its ack floor stays
// put, every delivered message awaits its ack or a redelivery) and says
// it is not ready. Once the server is back on the same data directory and
// port, every event is stored once.
func TestClickHouseRestartUnderLoadLosesNothing(t *testing.T) {
	const n = 8000
	ctx := caseContext(t)
	ns := natstest.New(t)
	srv := chtest.Dedicated(t)
	db := chtest.NewOn(t, srv.Addr())
	js := connect(t, ns.URL)
	ensureStreams(t, js, 1)
	sink := startSink(t, "sink", sinkEnv(ns.URL, db))

	events := synthetic(n, 3)
	msgs := eventMsgs(t, events)
	pub := publishInBackground(ctx, js, msgs[:n/2])
	require.Eventually(t, func() bool {
		_, distinct, err := visible(ctx, db, eventViews)
		return err == nil && distinct >= n/8
	}, recoveryBound, 5*time.Millisecond, "the sink stores the first events")
	_, before, err := visible(ctx, db, eventViews)
	require.NoError(t, err)
	require.NoError(t, srv.Stop())
	stopped := time.Now()

	require.Eventually(t, func() bool {
		failed, err := sink.scrape("cw_sink_insert_failures_total", "", "")
		return err == nil && failed > 0 && !sink.ready()
	}, recoveryBound, 20*time.Millisecond, "the sink sees its inserts fail and says it is not ready")
	down, err := consumerInfo(ctx, js, natsfx.StreamEvents, "sink-events")
	require.NoError(t, err)
	pub.wait(t)
	rest := publishInBackground(ctx, js, msgs[n/2:]) // published while ClickHouse is down
	rest.wait(t)
	var late *consumerState
	require.Eventually(t, func() bool {
		info, err := consumerInfo(ctx, js, natsfx.StreamEvents, "sink-events")
		if err != nil {
			return false
		}
		late = &consumerState{floor: info.AckFloor.Stream, ackPending: info.NumAckPending, redelivered: info.NumRedelivered}
		return info.NumRedelivered > 0
	}, recoveryBound, 20*time.Millisecond, "the sink's failed batches are redelivered")
	assert.Equal(t, down.AckFloor.Stream, late.floor, "nothing acked while ClickHouse is down")
	assert.Positive(t, late.ackPending, "delivered messages wait for their ack")
	outage := time.Since(stopped)

	restarted := time.Now()
	require.NoError(t, srv.Restart(ctx))
	serverUp := time.Since(restarted)
	stored := waitStored(t, db, eventViews, ids(events), recoveryBound)
	waitAckFloor(t, js, natsfx.StreamEvents, "sink-events", recoveryBound)
	sink.waitReady(t, recoveryBound)
	figure(t, "ClickHouse stopped with %d of %d events stored, down %s while %d more were published (ack floor held at %d, %d redelivered); "+
		"after restart (server up in %s) all %d stored once %s later",
		before, n, outage.Round(time.Millisecond), n/2, late.floor, late.redelivered, serverUp.Round(time.Millisecond),
		n, stored.Round(time.Millisecond))
	sink.stop(t)
}

// consumerState is what a case remembers of a consumer at one moment.
type consumerState struct {
	floor       uint64
	ackPending  int
	redelivered int
}
