package scorer

import (
	"context"
	"io"
	"math"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// modelEvents returns the nov-2025 scenario's events with replay
// heartbeats.
func modelEvents(t *testing.T) []event.Event {
	t.Helper()
	data, err := scenario.Load("nov-2025")
	require.NoError(t, err)
	sc, err := scenario.Parse(data, time.Now())
	require.NoError(t, err)
	return scenario.WithHeartbeats(sc.Events, 10*time.Minute)
}

// modelPrints returns the first n prints the model selects on
// modelEvents, in order.
func modelPrints(t *testing.T, n int) []*event.RiskScore {
	t.Helper()
	m := risk.NewModel(risk.DefaultCalibration())
	var out []*event.RiskScore
	for i, ev := range modelEvents(t) {
		if m.Update(ev, uint64(i+1)) {
			out = append(out, m.Print())
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("the scenario selects %d prints, want %d", len(out), n)
	return nil
}

// storedPrints returns the ids of the prints in CW_SCORES, in order.
func storedPrints(t *testing.T, js jetstream.JetStream) []string {
	t.Helper()
	var ids []string
	for _, msg := range natstest.Stored(t, js, natsfx.StreamScores, event.SubjectRiskScore) {
		ids = append(ids, msg.Headers().Get(jetstream.MsgIDHeader))
	}
	return ids
}

func ids(prints []*event.RiskScore) []string {
	out := make([]string, len(prints))
	for i, p := range prints {
		out[i] = p.ID
	}
	return out
}

// refuseScores makes CW_SCORES refuse every new message (discard new at
// its current count), as a full stream does, and returns the function
// that makes it accept them again.
func refuseScores(t *testing.T, js jetstream.JetStream) (accept func()) {
	t.Helper()
	ctx := context.Background()
	st, err := js.Stream(ctx, natsfx.StreamScores)
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	was := info.Config
	cfg := info.Config
	cfg.Discard, cfg.MaxMsgs = jetstream.DiscardNew, max(int64(info.State.Msgs), 1)
	if info.State.Msgs == 0 {
		// MaxMsgs 0 means no limit: fill the one place it leaves.
		_, err := js.Publish(ctx, "cw.risk.filler", []byte("{}"))
		require.NoError(t, err)
	}
	_, err = js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
	return func() {
		_, err := js.UpdateStream(context.Background(), was)
		require.NoError(t, err)
	}
}

func newTestPublisher(t *testing.T) *publisher {
	t.Helper()
	m, err := newMetrics(prometheus.NewRegistry(), func() float64 { return 0 })
	require.NoError(t, err)
	return newPublisher(m, zerolog.New(io.Discard))
}

// sendAll sends prints on a goroutine the test owns and returns its done
// channel; sends stop early when cancel is closed.
func sendAll(p *publisher, prints []*event.RiskScore, cancel <-chan struct{}) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, pr := range prints {
			if !p.send(pr, cancel) {
				return
			}
		}
	}()
	return done
}

func closed(ch <-chan struct{}) func() bool {
	return func() bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
}

// More prints than the window and the queue hold reach CW_SCORES once
// each, in order, and settle in order.
func TestPublisherPublishesEveryPrintInOrder(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	prints := modelPrints(t, 3*maxPrintsInFlight)
	p := newTestPublisher(t)
	p.start(js, make(chan struct{}))
	<-sendAll(p, prints, make(chan struct{}))
	p.finish(time.Minute)

	settled, seq := p.progress()
	assert.Equal(t, uint64(len(prints)), settled)
	assert.Equal(t, prints[len(prints)-1].Watermark.StreamSeq, seq)
	last, acked := p.lastAcked()
	assert.Equal(t, len(prints), acked)
	assert.Equal(t, prints[len(prints)-1].ID, last.ID)
	assert.NoError(t, p.failure())
	assert.Equal(t, ids(prints), storedPrints(t, js))
}

// A print that cannot be encoded settles in its place, not before the
// prints sent ahead of it, and is not published.
func TestPublisherSettlesUnencodablePrintInOrder(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	prints := modelPrints(t, 3)
	bad := *prints[1]
	bad.Index, bad.Components = math.NaN(), nil
	p := newTestPublisher(t)
	p.start(js, make(chan struct{}))
	<-sendAll(p, []*event.RiskScore{&bad, prints[0], &bad, prints[2]}, make(chan struct{}))
	p.finish(time.Minute)

	settled, seq := p.progress()
	assert.Equal(t, uint64(4), settled)
	assert.Equal(t, prints[2].Watermark.StreamSeq, seq)
	_, acked := p.lastAcked()
	assert.Equal(t, 2, acked)
	assert.Equal(t, []string{prints[0].ID, prints[2].ID}, storedPrints(t, js))
}

// While JetStream refuses the prints the publisher reports the failure
// and settles nothing; when it takes them again every print is stored
// once, in order.
func TestPublisherRetriesUntilJetStreamTakesThePrints(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	accept := refuseScores(t, js)
	prints := modelPrints(t, 10)
	p := newTestPublisher(t)
	p.start(js, make(chan struct{}))
	<-sendAll(p, prints, make(chan struct{}))

	require.Eventually(t, func() bool { return p.failure() != nil }, time.Minute, 10*time.Millisecond)
	settled, _ := p.progress()
	assert.Zero(t, settled, "nothing settles while JetStream refuses")
	accept()
	require.Eventually(t, func() bool { settled, _ := p.progress(); return settled == uint64(len(prints)) },
		time.Minute, 10*time.Millisecond)
	assert.NoError(t, p.failure(), "an acknowledged print clears the failure")
	p.finish(time.Minute)
	assert.Equal(t, ids(prints), storedPrints(t, js))
}

// Once the scorer stops, a publisher whose prints JetStream refuses gives
// up at once, with more prints pending than its window and queue hold.
func TestPublisherGivesUpOnStop(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	refuseScores(t, js)
	prints := modelPrints(t, 3*maxPrintsInFlight)
	stop := make(chan struct{})
	p := newTestPublisher(t)
	p.start(js, stop)
	sent := sendAll(p, prints, stop)
	require.Eventually(t, func() bool { return p.failure() != nil && len(p.in) == cap(p.in) }, time.Minute, 10*time.Millisecond)

	close(stop)
	require.Eventually(t, closed(sent), time.Minute, 10*time.Millisecond, "a stop ends a send that waits")
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		p.finish(time.Hour)
	}()
	require.Eventually(t, closed(finished), time.Minute, 10*time.Millisecond, "finish returns long before its budget")
	settled, _ := p.progress()
	assert.Zero(t, settled)
}

// finish gives up on what JetStream has not acknowledged when its budget
// is spent, even before the scorer stops.
func TestPublisherFinishAbandonsAfterItsBudget(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	refuseScores(t, js)
	prints := modelPrints(t, 5)
	p := newTestPublisher(t)
	p.start(js, make(chan struct{}))
	<-sendAll(p, prints, make(chan struct{}))
	require.Eventually(t, func() bool { return p.failure() != nil }, time.Minute, 10*time.Millisecond)

	finished := make(chan struct{})
	go func() {
		defer close(finished)
		p.finish(10 * time.Millisecond)
	}()
	require.Eventually(t, closed(finished), time.Minute, 10*time.Millisecond)
	settled, _ := p.progress()
	assert.Zero(t, settled)
}
