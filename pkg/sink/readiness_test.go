package sink_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
)

// A message that is neither stored nor dead-lettered (here its dead letter
// may not be published, and it has deliveries to spare) holds its
// consumer's ack floor: once the floor has not moved for AckStallMax the
// sink is not ready, naming the consumer, and the stall shows in
// cw_sink_ack_floor_stalled_seconds. Consumers with nothing pending are
// not affected. The sink's clock is moved, not waited for.
func TestStalledAckFloorFailsReadiness(t *testing.T) {
	sinkBus, admin := natsWithoutDLQ(t)
	db := chtest.New(t)
	cfg := fastConfig()
	cfg.InsertTimeout = 500 * time.Millisecond // bounds the dead-letter publish
	var clk clock
	p := startPipelineWith(t, sinkBus, db.Addr, db.Database, cfg, logtest.Quiet(), func(s *sink.Sink) { sink.SetNow(s, clk.now) })
	js := admin.JetStream()
	ctx := context.Background()

	publishOutOfRange(t, js)
	cons, err := js.Consumer(ctx, natsfx.StreamEvents, "sink-events")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		info, err := cons.Info(ctx)
		return err == nil && info.NumRedelivered > 0
	}, time.Minute, 20*time.Millisecond, "the message is redelivered")
	require.Eventually(t, func() bool {
		_, ok := p.series(t, "cw_sink_ack_floor_stalled_seconds", "consumer", "sink-events")
		return ok
	}, time.Minute, 20*time.Millisecond)
	require.NoError(t, p.sink.Ready(ctx), "stuck for less than CW_SINK_ACK_STALL_MAX")

	clk.advance(cfg.AckStallMax + time.Minute)
	require.Eventually(t, func() bool { return p.readyz() == http.StatusServiceUnavailable }, time.Minute, 20*time.Millisecond)
	err = p.sink.Ready(ctx)
	require.Error(t, err)
	assert.True(t, errors.Is(err, sink.ErrAckFloorStalled), "%v", err)
	assert.Contains(t, err.Error(), "ackfloor/sink-events: ack floor stalled: at stream_seq 0 for ")
	assert.NotContains(t, err.Error(), "sink-scores", "nothing pending there")
	assert.NotContains(t, err.Error(), "sink-dlq", "nothing pending there")
	assert.GreaterOrEqual(t, p.metric(t, "cw_sink_ack_floor_stalled_seconds", "consumer", "sink-events"), (cfg.AckStallMax + time.Minute).Seconds())
	assert.Zero(t, p.metric(t, "cw_sink_ack_floor_stalled_seconds", "consumer", "sink-scores"))

	// The operator removes the message: the floor moves, the sink is ready.
	events, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	require.NoError(t, events.DeleteMsg(ctx, 1))
	require.Eventually(t, func() bool { return p.sink.Ready(ctx) == nil }, time.Minute, 20*time.Millisecond)
	assert.Zero(t, p.metric(t, "cw_sink_ack_floor_stalled_seconds", "consumer", "sink-events"))
}
