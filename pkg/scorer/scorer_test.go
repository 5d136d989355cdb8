package scorer_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func waitFor(t *testing.T, s *scorer.Scorer, seq uint64) {
	t.Helper()
	require.Eventually(t, func() bool { return s.Watermark() >= seq }, time.Minute, 10*time.Millisecond)
}

// scores returns every print in CW_SCORES in order.
func scores(t *testing.T, js jetstream.JetStream) []*event.RiskScore {
	t.Helper()
	var out []*event.RiskScore
	for _, msg := range natstest.Stored(t, js, natsfx.StreamScores, event.SubjectRiskScore) {
		ev, err := event.Parse(msg.Data(), time.Now())
		require.NoError(t, err)
		out = append(out, ev.(*event.RiskScore))
	}
	return out
}

// Two replicas scoring the same stream leave one copy of each print.
func TestReplicasLeaveOneCopyOfEachPrint(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	a := scorer.StartTestScorer(t, ns.URL)
	b := scorer.StartTestScorer(t, ns.URL)
	last := scorer.PublishEvents(t, js, scorer.ModelEvents(t))
	waitFor(t, a, last)
	waitFor(t, b, last)

	_, na := a.Last()
	_, nb := b.Last()
	require.Positive(t, na)
	assert.Equal(t, na, nb, "replicas select the same prints")
	prints := scores(t, js)
	assert.Len(t, prints, na, "JetStream kept one copy of each print")
	ids := map[string]bool{}
	for _, p := range prints {
		assert.False(t, ids[p.ID], "print %s twice", p.ID)
		ids[p.ID] = true
	}
	la, _ := a.Last()
	lb, _ := b.Last()
	da, err := event.Marshal(la)
	require.NoError(t, err)
	db, err := event.Marshal(lb)
	require.NoError(t, err)
	assert.Equal(t, string(da), string(db), "bit-identical last prints")
}

// A scorer restarted mid-stream restores its snapshot, replays only what
// came after, and publishes exactly the prints of an uninterrupted run.
func TestRestartRestoresSnapshotAndMatchesUninterruptedRun(t *testing.T) {
	events := scorer.ModelEvents(t)
	half := len(events) / 2

	ref := natstest.New(t)
	refJS := ref.Streams(t)
	r := scorer.StartTestScorer(t, ref.URL)
	waitFor(t, r, scorer.PublishEvents(t, refJS, events))
	want := scores(t, refJS)

	ns := natstest.New(t)
	js := ns.Streams(t)
	first := scorer.StartTestScorer(t, ns.URL)
	waitFor(t, first, scorer.PublishEvents(t, js, events[:half]))
	require.NoError(t, first.Stop(context.Background()))

	second := scorer.StartTestScorer(t, ns.URL)
	require.Equal(t, uint64(half), second.Watermark(), "restored at the snapshot, not from the start")
	waitFor(t, second, scorer.PublishEvents(t, js, events[half:]))
	got := scores(t, js)

	require.Equal(t, len(want), len(got))
	for i := range want {
		w, err := event.Marshal(want[i])
		require.NoError(t, err)
		g, err := event.Marshal(got[i])
		require.NoError(t, err)
		require.Equal(t, string(w), string(g), "print %d", i)
	}
}
