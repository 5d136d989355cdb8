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
