package scorer

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func cp(seq, prints uint64) checkpoint {
	return checkpoint{snap: snapshot{StreamSeq: seq}, prints: prints}
}

func TestCheckpointsTakeTheNewestSettled(t *testing.T) {
	tests := []struct {
		name     string
		add      []checkpoint
		settled  uint64
		wantSeq  uint64
		wantOK   bool
		wantLeft []uint64 // stream seqs still queued
	}{
		{name: "none", settled: 5},
		{name: "not yet settled", add: []checkpoint{cp(10, 3)}, settled: 2, wantLeft: []uint64{10}},
		{name: "settled exactly", add: []checkpoint{cp(10, 3)}, settled: 3, wantSeq: 10, wantOK: true},
		{name: "newest of the settled", add: []checkpoint{cp(10, 1), cp(20, 2), cp(30, 5)}, settled: 4,
			wantSeq: 20, wantOK: true, wantLeft: []uint64{30}},
		{name: "all settled", add: []checkpoint{cp(10, 1), cp(20, 2)}, settled: 9, wantSeq: 20, wantOK: true},
		{name: "no progress ignored", add: []checkpoint{cp(10, 1), cp(10, 2), cp(5, 2)}, settled: 0,
			wantLeft: []uint64{10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c checkpoints
			for _, x := range tt.add {
				c.add(x)
			}
			snap, ok := c.take(tt.settled)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantSeq, snap.StreamSeq)
			var left []uint64
			for _, x := range c.list {
				left = append(left, x.snap.StreamSeq)
			}
			assert.Equal(t, tt.wantLeft, left)
		})
	}
}

// While prints are refused the queue keeps its oldest checkpoints, which
// settle first, and replaces the newest.
func TestCheckpointsBounded(t *testing.T) {
	var c checkpoints
	for i := uint64(1); i <= 3*maxCheckpoints; i++ {
		c.add(cp(i, i))
	}
	require.Len(t, c.list, maxCheckpoints)
	assert.Equal(t, uint64(maxCheckpoints-1), c.list[maxCheckpoints-2].snap.StreamSeq)
	assert.Equal(t, uint64(3*maxCheckpoints), c.list[maxCheckpoints-1].snap.StreamSeq)
	snap, ok := c.take(3 * maxCheckpoints)
	require.True(t, ok)
	assert.Equal(t, uint64(3*maxCheckpoints), snap.StreamSeq)
	assert.Empty(t, c.list)
}

func TestStateSavesAndRestores(t *testing.T) {
	ns := natstest.New(t)
	js := ns.JetStream(t)
	ctx := context.Background()
	log := zerolog.New(io.Discard)
	cal := risk.DefaultCalibration()
	st, err := openState(ctx, js, "CW_SCORER_STATE", 1, "k", log)
	require.NoError(t, err)

	m, seq := st.restore(ctx, cal, log)
	assert.Zero(t, seq, "no snapshot: from the start")
	assert.Nil(t, m.Print())

	for i, ev := range modelEvents(t)[:100] {
		m.Update(ev, uint64(i+1))
	}
	data, err := m.Snapshot()
	require.NoError(t, err)
	require.NoError(t, st.save(ctx, snapshot{StreamSeq: 100, Model: data}))

	got, seq := st.restore(ctx, cal, log)
	assert.Equal(t, uint64(100), seq)
	gotData, err := got.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, string(data), string(gotData))

	_, err = st.kv.Put(ctx, "k", []byte("not json"))
	require.NoError(t, err)
	_, _, err = st.load(ctx)
	require.Error(t, err)
	_, seq = st.restore(ctx, cal, log)
	assert.Zero(t, seq, "an unreadable snapshot replays from the start")
}

// openState names the bucket when JetStream refuses it.
func TestOpenStateNamesTheBucket(t *testing.T) {
	ns := natstest.New(t)
	js := ns.JetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := openState(ctx, js, "CW SCORER", 1, "k", zerolog.New(io.Discard))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "state bucket CW SCORER: ")
}
