package fault_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// print is what the comparison keeps of one print.
type print struct {
	ID        string
	Index     float64
	Watermark uint64
}

// The nov-2025 scenario with 10-minute replay heartbeats (about 8,800
// messages) is scored twice from a backlog: by a scorer process left
// alone, and by one SIGKILLed a third of the way through and restarted,
// which restores its last snapshot and replays only what came after. The
// prints in CW_SCORES must be the same, in the same order.
func TestScorerKilledAndRestartedPrintsAsUninterrupted(t *testing.T) {
	ctx := caseContext(t)
	data, err := scenario.Load("nov-2025")
	require.NoError(t, err)
	sc, err := scenario.Parse(data, time.Now())
	require.NoError(t, err)
	msgs := eventMsgs(t, scenario.WithHeartbeats(sc.Events, 10*time.Minute))

	// Uninterrupted.
	ref := natstest.New(t)
	refJS := connect(t, ref.URL)
	ensureStreams(t, refJS, 1)
	last := lastSeq(t, ctx, refJS, msgs)
	alone := startScorer(t, "scorer-ref", ref.URL)
	alone.waitWatermark(t, last)
	alone.stop(t)
	want := prints(t, ctx, refJS)
	require.NotEmpty(t, want)

	// Killed and restarted.
	ns := natstest.New(t)
	js := connect(t, ns.URL)
	ensureStreams(t, js, 1)
	require.Equal(t, last, lastSeq(t, ctx, js, msgs))
	first := startScorer(t, "scorer-1", ns.URL)
	first.waitWatermark(t, last/3)
	first.kill(t)
	snap := snapshotSeq(t, ctx, js)
	require.Positive(t, snap, "a snapshot was saved before the kill")
	require.Less(t, snap, last, "killed mid-stream")
	printedBefore := len(prints(t, ctx, js)) // prints published before the kill

	restarted := time.Now()
	second := startScorer(t, "scorer-2", ns.URL)
	require.Eventually(t, func() bool {
		return second.logContains(`"message":"state restored from snapshot"`, fmt.Sprintf(`"stream_seq":%d`, snap))
	}, recoveryBound, 20*time.Millisecond, "the restarted scorer restores the snapshot at %d", snap)
	second.waitWatermark(t, last)
	caughtUp := time.Since(restarted)
	second.stop(t)
	got := prints(t, ctx, js)

	missing, extra := diffPrints(want, got)
	if len(missing) > 0 {
		t.Fatalf("%d prints of the uninterrupted run, of input seqs %d to %d, were never published; "+
			"the restarted scorer resumed after its snapshot at seq %d", len(missing),
			missing[0].Watermark, missing[len(missing)-1].Watermark, snap)
	}
	require.Empty(t, extra, "prints the uninterrupted run does not have, after the kill at seq %d", snap)
	require.Len(t, got, len(want), "as many prints as the uninterrupted run")
	for i := range want {
		require.Equal(t, want[i], got[i], "print %d of %d", i, len(want))
	}
	figure(t, "scorer SIGKILLed at its snapshot of CW_EVENTS seq %d of %d (%d of %d prints out); restarted, it restored the snapshot "+
		"and was through the stream %s later; all %d prints equal the uninterrupted run's, in order",
		snap, last, printedBefore, len(want), caughtUp.Round(time.Millisecond), len(want))
}

// startScorer runs a scorer process on natsURL that saves its state every
// 10 ms, so a kill finds a recent snapshot, and sends no heartbeats of its
// own, so both runs read the same input.
func startScorer(t *testing.T, name, natsURL string) *proc {
	t.Helper()
	p := startProc(t, name, scorerBin,
		"CW_NATS_URL="+natsURL,
		"CW_SCORER_HEARTBEAT=0",
		"CW_SCORER_SNAPSHOT_INTERVAL=10ms")
	p.waitReady(t, procTimeout)
	return p
}

// waitWatermark waits until the scorer has applied CW_EVENTS up to seq.
func (p *proc) waitWatermark(t *testing.T, seq uint64) {
	t.Helper()
	require.Eventually(t, func() bool {
		v, err := p.scrape("cw_scorer_watermark_seq", "", "")
		return err == nil && v >= float64(seq)
	}, recoveryBound, 5*time.Millisecond, "%s applies CW_EVENTS up to %d", p.name, seq)
}

// lastSeq publishes msgs and returns the last one's stream sequence.
func lastSeq(t *testing.T, ctx context.Context, js jetstream.JetStream, msgs []outMsg) uint64 {
	t.Helper()
	seqs, err := publish(ctx, js, msgs, nil, nil)
	require.NoError(t, err)
	return seqs[len(seqs)-1]
}

// snapshotSeq returns the CW_EVENTS sequence of the scorer's saved state.
func snapshotSeq(t *testing.T, ctx context.Context, js jetstream.JetStream) uint64 {
	t.Helper()
	kv, err := js.KeyValue(ctx, "CW_SCORER_STATE")
	require.NoError(t, err)
	keys, err := kv.ListKeys(ctx)
	require.NoError(t, err)
	var n int
	var snap struct {
		StreamSeq uint64 `json:"stream_seq"`
	}
	for key := range keys.Keys() {
		entry, err := kv.Get(ctx, key)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(entry.Value(), &snap))
		n++
	}
	require.Equal(t, 1, n, "one state snapshot")
	return snap.StreamSeq
}

// prints returns every print on cw.risk.score in CW_SCORES, in order.
func prints(t *testing.T, ctx context.Context, js jetstream.JetStream) []print {
	t.Helper()
	s, err := js.Stream(ctx, natsfx.StreamScores)
	require.NoError(t, err)
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(event.SubjectRiskScore))
	require.NoError(t, err)
	n := int(info.State.Subjects[event.SubjectRiskScore])
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{event.SubjectRiskScore}})
	require.NoError(t, err)
	out := make([]print, 0, n)
	for len(out) < n {
		batch, err := cons.Fetch(min(n-len(out), 500), jetstream.FetchMaxWait(10*time.Second))
		require.NoError(t, err)
		for msg := range batch.Messages() {
			ev, err := event.Parse(msg.Data(), time.Now())
			require.NoError(t, err)
			p := ev.(*event.RiskScore)
			out = append(out, print{ID: p.ID, Index: p.Index, Watermark: p.Watermark.StreamSeq})
		}
		require.NoError(t, batch.Error())
	}
	assert.Len(t, out, n)
	return out
}

// diffPrints returns the prints of want that got lacks and those of got
// that want lacks.
func diffPrints(want, got []print) (missing, extra []print) {
	in := func(ps []print) map[string]bool {
		m := make(map[string]bool, len(ps))
		for _, p := range ps {
			m[p.ID] = true
		}
		return m
	}
	w, g := in(want), in(got)
	for _, p := range want {
		if !g[p.ID] {
			missing = append(missing, p)
		}
	}
	for _, p := range got {
		if !w[p.ID] {
			extra = append(extra, p)
		}
	}
	return missing, extra
}
