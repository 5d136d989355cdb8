package scorer_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// nov2025 returns the nov-2025 scenario's events with replay heartbeats.
func nov2025(t *testing.T) []event.Event {
	t.Helper()
	data, err := scenario.Load("nov-2025")
	require.NoError(t, err)
	sc, err := scenario.Parse(data, time.Now())
	require.NoError(t, err)
	return scenario.WithHeartbeats(sc.Events, 10*time.Minute)
}

func publishAll(t *testing.T, js jetstream.JetStream, events []event.Event) uint64 {
	t.Helper()
	var last uint64
	for _, ev := range events {
		data, err := event.Marshal(ev)
		require.NoError(t, err)
		ack, err := js.Publish(context.Background(), ev.Subject(), data, jetstream.WithMsgID(ev.Header().ID))
		require.NoError(t, err)
		last = ack.Sequence
	}
	return last
}

func startScorer(t *testing.T, url string) *scorer.Scorer {
	t.Helper()
	cfg := natsfx.DefaultConfig()
	cfg.URL = url
	bus := natsfx.New(cfg, zerolog.New(io.Discard))
	require.NoError(t, bus.Start(context.Background()))
	t.Cleanup(func() { _ = bus.Stop(context.Background()) })
	sc := scorer.DefaultConfig()
	sc.Heartbeat = 0
	s, err := scorer.New(sc, bus, prometheus.NewRegistry(), zerolog.New(io.Discard))
	require.NoError(t, err)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s
}

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
	a := startScorer(t, ns.URL)
	b := startScorer(t, ns.URL)
	last := publishAll(t, js, nov2025(t))
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
	events := nov2025(t)
	half := len(events) / 2

	ref := natstest.New(t)
	refJS := ref.Streams(t)
	r := startScorer(t, ref.URL)
	waitFor(t, r, publishAll(t, refJS, events))
	want := scores(t, refJS)

	ns := natstest.New(t)
	js := ns.Streams(t)
	first := startScorer(t, ns.URL)
	waitFor(t, first, publishAll(t, js, events[:half]))
	require.NoError(t, first.Stop(context.Background()))

	second := startScorer(t, ns.URL)
	require.Equal(t, uint64(half), second.Watermark(), "restored at the snapshot, not from the start")
	waitFor(t, second, publishAll(t, js, events[half:]))
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
