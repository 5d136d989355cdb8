package natsfx_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// Every message is stored, each acknowledgement comes back with its
// message's value in publish order, and no more than the window's size
// wait for theirs at any time.
func TestPublishWindow(t *testing.T) {
	js := natstest.New(t).Streams(t)
	ctx := context.Background()
	const size, n = 4, 10
	var acked []int
	var seqs []uint64
	w := natsfx.NewPublishWindow(js, size, func(ack *jetstream.PubAck, v int) {
		acked = append(acked, v)
		seqs = append(seqs, ack.Sequence)
	})
	for i := range n {
		m := &nats.Msg{Subject: "cw.events.test", Data: []byte(strconv.Itoa(i))}
		flushed, err := w.Publish(ctx, m, i, jetstream.WithMsgID("id-"+strconv.Itoa(i)))
		require.NoError(t, err)
		assert.Equal(t, (i+1)%size == 0, flushed, "publish %d", i)
		assert.Less(t, i+1-len(acked), size, "outstanding after publish %d", i)
	}
	require.NoError(t, w.Flush(ctx))
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, acked)
	assert.IsIncreasing(t, seqs)
	stored := natstest.Stored(t, js, natsfx.StreamEvents, "cw.events.test")
	require.Len(t, stored, n)
	assert.Equal(t, "id-9", stored[9].Headers().Get(jetstream.MsgIDHeader))
	require.NoError(t, w.Flush(ctx), "nothing left to wait for")
}

// A window of size 0 waits for nothing until Flush.
func TestPublishWindowUnbounded(t *testing.T) {
	js := natstest.New(t).Streams(t)
	acks := 0
	w := natsfx.NewPublishWindow(js, 0, func(*jetstream.PubAck, struct{}) { acks++ })
	for range 50 {
		flushed, err := w.Publish(context.Background(), &nats.Msg{Subject: "cw.events.test"}, struct{}{})
		require.NoError(t, err)
		require.False(t, flushed)
	}
	assert.Zero(t, acks, "acknowledgements are handed over by Flush")
	require.NoError(t, w.Flush(context.Background()))
	assert.Equal(t, 50, acks)
}

// JetStream's refusal names the subject; a context that ends stops the
// wait for an acknowledgement that does not come.
func TestPublishWindowFailures(t *testing.T) {
	srv := natstest.New(t)
	js := srv.Streams(t)

	w := natsfx.NewPublishWindow[struct{}](js, 10, nil)
	_, err := w.Publish(context.Background(), &nats.Msg{Subject: "nostream.x"}, struct{}{})
	require.NoError(t, err)
	err = w.Flush(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "publish nostream.x: ")

	// A core subscriber takes the message and never answers.
	nc := srv.Connect(t)
	_, err = nc.SubscribeSync("silent.x")
	require.NoError(t, err)
	require.NoError(t, nc.Flush())
	_, err = w.Publish(context.Background(), &nats.Msg{Subject: "silent.x"}, struct{}{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, w.Flush(ctx), context.Canceled)
}
