package fault_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// On a 3-node JetStream cluster with R3 streams, 8,000 events are
// published through the server leading CW_EVENTS, and that server is shut
// down once a third of them are acknowledged. The publisher reconnects to a
// survivor and sends again what was not acknowledged, the survivors carry
// on under a new leader, the sink follows it, and every event is stored
// once.
func TestStreamLeaderLossLosesNothing(t *testing.T) {
	const n = 8000
	ctx := caseContext(t)
	c := natstest.NewCluster(t, 3)
	db := chtest.New(t)
	ensureStreams(t, connect(t, c.URL()), 3)
	leader := c.WaitStreamLeader(t, natsfx.StreamEvents)
	sink := startSink(t, "sink", sinkEnv(c.URL(), db, "CW_STREAM_REPLICAS=3"))

	// The publisher is connected to the leader, so the fault cuts it off.
	urls := []string{leader.URL}
	for _, s := range c.Servers {
		if s != leader {
			urls = append(urls, s.URL)
		}
	}
	js := connect(t, strings.Join(urls, ","), nats.DontRandomize())
	require.Equal(t, leader.URL, js.Conn().ConnectedUrl())
	events := synthetic(n, 5)
	pub := publishInBackground(ctx, js, eventMsgs(t, events))
	require.Eventually(t, func() bool {
		_, distinct, err := visible(ctx, db, eventViews)
		return err == nil && distinct > 0 && pub.acknowledged() >= n/3
	}, recoveryBound, 5*time.Millisecond, "the sink stores the first events")
	_, before, err := visible(ctx, db, eventViews)
	require.NoError(t, err)
	published := pub.acknowledged()

	leader.Shutdown()
	lost := time.Now()
	next := c.WaitStreamLeader(t, natsfx.StreamEvents)
	elected := time.Since(lost)
	require.NotSame(t, leader, next, "a surviving server leads CW_EVENTS")
	pub.wait(t)
	republished := time.Since(lost)
	assert.NotEqual(t, leader.URL, js.Conn().ConnectedUrl(), "the publisher reconnected to a survivor")
	waitStored(t, db, eventViews, ids(events), recoveryBound)
	waitAckFloor(t, js, natsfx.StreamEvents, "sink-events", recoveryBound)
	sink.waitReady(t, recoveryBound)
	figure(t, "CW_EVENTS leader %s shut down with %d of %d events published and %d stored; %s led the stream %s later; "+
		"the publisher finished %s after the loss (%d sent again) and all %d were stored once %s after it",
		leader.Srv.Name(), published, n, before, next.Srv.Name(), elected.Round(time.Millisecond),
		republished.Round(time.Millisecond), pub.resent.Load(), n, time.Since(lost).Round(time.Millisecond))
	sink.stop(t)
}
