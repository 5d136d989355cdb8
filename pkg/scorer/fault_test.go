package scorer

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	promtest "github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// startTestScorer starts a bus on url and a scorer with the test's config
// changes (no heartbeat by default), both stopped when the test ends.
func startTestScorer(t *testing.T, url string, change func(*Config)) *Scorer {
	t.Helper()
	s := newTestScorer(t, url, change, io.Discard)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s
}

// newTestScorer starts a bus on url, stopped when the test ends, and
// returns an unstarted scorer on it with the test's config changes (no
// heartbeat by default) that logs to log.
func newTestScorer(t *testing.T, url string, change func(*Config), log io.Writer) *Scorer {
	t.Helper()
	cfg := natsfx.DefaultConfig()
	cfg.URL = url
	bus := natsfx.New(cfg, zerolog.New(io.Discard))
	require.NoError(t, bus.Start(context.Background()))
	t.Cleanup(func() { _ = bus.Stop(context.Background()) })
	sc := DefaultConfig()
	sc.Heartbeat = 0
	if change != nil {
		change(&sc)
	}
	s, err := New(sc, bus, prometheus.NewRegistry(), zerolog.New(log))
	require.NoError(t, err)
	return s
}

// publishEvents publishes events to CW_EVENTS in order and returns the
// stream sequence of the last one.
func publishEvents(t *testing.T, js jetstream.JetStream, events []event.Event) uint64 {
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

// wantPrints returns the prints the model selects on events at stream
// sequences 1, 2, …: what an uninterrupted scorer publishes.
func wantPrints(events []event.Event) []*event.RiskScore {
	m := risk.NewModel(risk.DefaultCalibration())
	var out []*event.RiskScore
	for i, ev := range events {
		if m.Update(ev, uint64(i+1)) {
			out = append(out, m.Print())
		}
	}
	return out
}

func waitWatermark(t *testing.T, s *Scorer, seq uint64) {
	t.Helper()
	require.Eventually(t, func() bool { return s.Watermark() >= seq }, 2*time.Minute, 10*time.Millisecond)
}

// savedSnapshot reads the scorer's snapshot from the state bucket.
func savedSnapshot(t *testing.T, js jetstream.JetStream) (snapshot, bool) {
	t.Helper()
	ctx := context.Background()
	kv, err := js.KeyValue(ctx, DefaultConfig().StateBucket)
	require.NoError(t, err)
	entry, err := kv.Get(ctx, risk.DefaultModelVersion+"."+risk.DefaultCalibration().Hash())
	if err != nil {
		return snapshot{}, false
	}
	var snap snapshot
	require.NoError(t, json.Unmarshal(entry.Value(), &snap))
	return snap, true
}

// halfway is a scorer on a fresh server that has scored the first half
// of the model events.
type halfway struct {
	ns     *natstest.Server
	js     jetstream.JetStream
	s      *Scorer
	scored uint64             // how many events it scored: the stream's last sequence
	rest   []event.Event      // the second half, not published
	want   []*event.RiskScore // the prints of an uninterrupted run of all the events
}

// scoreHalf starts a server and a scorer with the test's config changes,
// publishes the first half of the model events and waits until the
// scorer has scored them.
func scoreHalf(t *testing.T, change func(*Config)) halfway {
	t.Helper()
	events := modelEvents(t)
	half := len(events) / 2
	ns := natstest.New(t)
	js := ns.Streams(t)
	s := startTestScorer(t, ns.URL, change)
	waitWatermark(t, s, publishEvents(t, js, events[:half]))
	return halfway{ns: ns, js: js, s: s, scored: uint64(half), rest: events[half:], want: wantPrints(events)}
}

// With more prints refused by JetStream than the publisher's window and
// queue hold, Stop returns within its deadline and saves a snapshot that
// is not ahead of any print that was not stored; a restart once JetStream
// takes prints again publishes exactly the prints of an uninterrupted run.
func TestStopWithPrintsRefusedSavesSnapshotBehindThem(t *testing.T) {
	fast := func(c *Config) { c.SnapshotInterval = 50 * time.Millisecond }
	h := scoreHalf(t, fast)
	ns, js, s, want := h.ns, h.js, h.s, h.want
	require.Eventually(t, func() bool { snap, ok := savedSnapshot(t, js); return ok && snap.StreamSeq == h.scored },
		time.Minute, 10*time.Millisecond, "an idle scorer saves its state")

	accept := refuseScores(t, js)
	last := publishEvents(t, js, h.rest)
	require.Eventually(t, func() bool {
		return promtest.ToFloat64(s.m.pending) > maxPrintsInFlight && s.Ready(context.Background()) != nil
	}, 2*time.Minute, 10*time.Millisecond, "prints pile up and readiness says why")
	assert.ErrorContains(t, s.Ready(context.Background()), "publish prints: ")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, s.Stop(ctx), "Stop returns within its deadline")

	snap, ok := savedSnapshot(t, js)
	require.True(t, ok)
	assert.GreaterOrEqual(t, snap.StreamSeq, h.scored)
	stored := map[string]bool{}
	for _, id := range storedPrints(t, js) {
		stored[id] = true
	}
	var lost []uint64 // prints before the snapshot that are not stored
	for _, p := range want {
		if p.Watermark.StreamSeq <= snap.StreamSeq && !stored[p.ID] {
			lost = append(lost, p.Watermark.StreamSeq)
		}
	}
	assert.Empty(t, lost, "prints before the snapshot (stream_seq %d) not stored", snap.StreamSeq)

	accept()
	again := startTestScorer(t, ns.URL, fast)
	assert.Equal(t, snap.StreamSeq, again.Watermark(), "restored at the snapshot")
	waitWatermark(t, again, last)
	assert.Equal(t, ids(want), storedPrints(t, js), "every print once, in order")
	assert.NoError(t, again.Ready(context.Background()))
}

// consumerNames returns the names of the consumers on CW_EVENTS.
func consumerNames(t *testing.T, js jetstream.JetStream) []string {
	t.Helper()
	st, err := js.Stream(context.Background(), natsfx.StreamEvents)
	require.NoError(t, err)
	lister := st.ConsumerNames(context.Background())
	var names []string
	for name := range lister.Name() {
		names = append(names, name)
	}
	require.NoError(t, lister.Err())
	return names
}

// When the scorer's consumer is deleted and cannot be created again (the
// account's consumer limit is reached), Ready says so; once the limit is
// lifted the scorer recreates it where it stopped and publishes every
// print once, with no gap.
func TestConsumerLostIsReportedAndRecovered(t *testing.T) {
	h := scoreHalf(t, nil)
	ns, js, s, want := h.ns, h.js, h.s, h.want
	require.NoError(t, s.Ready(context.Background()))

	ctx := context.Background()
	names := consumerNames(t, js)
	require.Len(t, names, 1, "the scorer's ordered consumer")
	_, err := js.CreateOrUpdateConsumer(ctx, natsfx.StreamEvents, jetstream.ConsumerConfig{Durable: "occupant"})
	require.NoError(t, err)
	limits := func(maxConsumers int) {
		require.NoError(t, ns.Srv.GlobalAccount().UpdateJetStreamLimits(map[string]server.JetStreamAccountLimits{"": {
			MaxMemory: -1, MaxStore: -1, MaxStreams: -1, MaxConsumers: maxConsumers, MaxAckPending: -1,
			MemoryMaxStreamBytes: -1, StoreMaxStreamBytes: -1,
		}}))
	}
	limits(1)
	require.NoError(t, js.DeleteConsumer(ctx, natsfx.StreamEvents, names[0]))
	require.Eventually(t, func() bool { return s.Ready(ctx) != nil }, 2*time.Minute, 10*time.Millisecond)
	assert.ErrorContains(t, s.Ready(ctx), "consume CW_EVENTS: ")

	last := publishEvents(t, js, h.rest)
	limits(-1)
	require.Eventually(t, func() bool { return s.Ready(ctx) == nil }, 2*time.Minute, 10*time.Millisecond)
	waitWatermark(t, s, last)
	assert.Equal(t, ids(want), storedPrints(t, js), "no gap")
	_, n := s.Last()
	assert.Equal(t, len(want), n, "no print published twice")
}
