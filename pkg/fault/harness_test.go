package fault_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// recoveryBound is how long any case may take to get back to every event
// stored once after its fault is repaired. The cases recover in seconds on
// an idle laptop; the bound is generous because the suite shares two cores
// with other builds, and what it checks is that recovery happens, not how
// fast the machine is.
const recoveryBound = 60 * time.Second

// caseTimeout bounds a whole case: set-up, load, fault, recovery, checks.
const caseTimeout = 4 * time.Minute

// eventViews are the de-duplicated views of the tables CW_EVENTS lands in.
var eventViews = []string{"v_jgb_yields", "v_fed_odds", "v_etf_flows", "v_venue_status"}

// sinkEnv configures a sink process: small batches so a backlog takes many
// inserts, quick retries, and an ack wait just above what the sink's
// config requires (batch max wait + 5 × insert timeout), so messages held by
// a killed sink are redelivered within seconds.
func sinkEnv(natsURL string, db *chtest.DB, extra ...string) []string {
	return append([]string{
		"CW_NATS_URL=" + natsURL,
		"CW_NATS_RECONNECT_WAIT=100ms",
		"CW_NATS_RECONNECT_MAX_WAIT=1s",
		"CW_CLICKHOUSE_ADDR=" + db.Addr,
		"CW_CLICKHOUSE_DATABASE=" + db.Database,
		"CW_SINK_BATCH_MAX_ROWS=250",
		"CW_SINK_BATCH_MAX_WAIT=100ms",
		"CW_SINK_INSERT_TIMEOUT=1s",
		"CW_SINK_ACK_WAIT=6s",
		"CW_SINK_RETRY_BASE=100ms",
		"CW_SINK_RETRY_MAX=1s",
		"CW_SINK_LAG_INTERVAL=1s",
	}, extra...)
}

// startSink runs a sink process and waits until it is ready.
func startSink(t *testing.T, name string, env []string) *proc {
	t.Helper()
	p := startProc(t, name, sinkBin, env...)
	p.waitReady(t, procTimeout)
	return p
}

// synthetic returns n distinct valid events (the benchmarks' mix: JGB
// yields, Fed odds, ETF flows, venue status) and their ids.
func synthetic(n int, seed int64) []event.Event {
	return slices.Collect(scenario.Synthetic(n, seed))
}

// ids returns the id of every event.
func ids(events []event.Event) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.Header().ID
	}
	return out
}

// caseContext returns a context that ends caseTimeout from now, or with the
// test.
func caseContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), caseTimeout)
	t.Cleanup(cancel)
	return ctx
}

// startStores starts an embedded NATS server with the streams (one
// replica) and a database of the test's own, and connects to the server.
func startStores(t *testing.T) (*natstest.Server, *chtest.DB, jetstream.JetStream) {
	t.Helper()
	ns := natstest.New(t)
	db := chtest.New(t)
	js := connect(t, ns.URL)
	ensureStreams(t, js, 1)
	return ns, db, js
}

// connect opens a NATS connection that reconnects forever, closed when the
// test ends, and returns its JetStream context; opts add to its options.
func connect(t *testing.T, url string, opts ...nats.Option) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, append([]nats.Option{nats.MaxReconnects(-1), nats.ReconnectWait(100 * time.Millisecond)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// ensureStreams creates the CW_* streams with replicas copies.
func ensureStreams(t *testing.T, js jetstream.JetStream, replicas int) {
	t.Helper()
	cfg := natsfx.DefaultConfig().Streams
	cfg.Replicas = replicas
	ctx, cancel := context.WithTimeout(context.Background(), recoveryBound)
	defer cancel()
	require.NoError(t, natsfx.EnsureStreams(ctx, js, cfg))
}

// publishWindow is how many messages the publisher keeps unacknowledged.
const publishWindow = 256

// publishAckWait is how long the publisher waits for one acknowledgement
// before it sends the message again.
const publishAckWait = 5 * time.Second

// outMsg is one message to publish.
type outMsg struct {
	subject string
	data    []byte
	msgID   string // Nats-Msg-Id; "" for none
}

// eventMsgs marshals events into messages with Nats-Msg-Id = id, as every
// carrywatch publisher sends them.
func eventMsgs(t *testing.T, events []event.Event) []outMsg {
	t.Helper()
	out := make([]outMsg, len(events))
	for i, ev := range events {
		data, err := event.Marshal(ev)
		require.NoError(t, err)
		out[i] = outMsg{subject: ev.Subject(), data: data, msgID: ev.Header().ID}
	}
	return out
}

// publish sends msgs in order, up to publishWindow unacknowledged, and
// sends again (same Nats-Msg-Id, so JetStream keeps one) every message
// whose acknowledgement fails or does not come within publishAckWait, with
// backoff, until all are acknowledged or ctx ends. It is how a carrywatch
// publisher rides out a server restart or a leader election. progress, if
// not nil, is called with the number of messages acknowledged so far, and
// resent counts the messages sent more than once. It returns each
// message's stream sequence, in msgs' order.
func publish(ctx context.Context, js jetstream.JetStream, msgs []outMsg, progress func(int), resent *atomic.Int64) ([]uint64, error) {
	seqs := make([]uint64, len(msgs))
	done := 0
	for start := 0; start < len(msgs); start += publishWindow {
		chunk := msgs[start:min(start+publishWindow, len(msgs))]
		futures := make([]jetstream.PubAckFuture, len(chunk))
		for i, m := range chunk {
			f, err := js.PublishMsgAsync(m.nats())
			if err != nil {
				futures[i] = nil // sent again below
				continue
			}
			futures[i] = f
		}
		for i, f := range futures {
			var ack *jetstream.PubAck
			if f != nil {
				select {
				case ack = <-f.Ok():
				case <-f.Err():
				case <-time.After(publishAckWait):
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			if ack == nil {
				if resent != nil {
					resent.Add(1)
				}
				var err error
				if ack, err = publishOne(ctx, js, chunk[i]); err != nil {
					return nil, err
				}
			}
			seqs[start+i] = ack.Sequence
			done++
			if progress != nil {
				progress(done)
			}
		}
	}
	return seqs, nil
}

// publishOne sends m until it is acknowledged or ctx ends, backing off from
// 50 ms to 1 s between attempts.
func publishOne(ctx context.Context, js jetstream.JetStream, m outMsg) (*jetstream.PubAck, error) {
	backoff := 50 * time.Millisecond
	for {
		actx, cancel := context.WithTimeout(ctx, publishAckWait)
		ack, err := js.PublishMsg(actx, m.nats())
		cancel()
		if err == nil {
			return ack, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("publish %s: %w (last error: %w)", m.subject, ctx.Err(), err)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

func (m outMsg) nats() *nats.Msg {
	msg := nats.NewMsg(m.subject)
	msg.Data = m.data
	if m.msgID != "" {
		msg.Header.Set(jetstream.MsgIDHeader, m.msgID)
	}
	return msg
}

// background runs publish in a goroutine; wait returns its result.
type background struct {
	acked  chan int // latest count, buffered; read with acknowledged
	resent atomic.Int64
	done   chan struct{}
	seqs   []uint64
	err    error
	n      int
}

func publishInBackground(ctx context.Context, js jetstream.JetStream, msgs []outMsg) *background {
	b := &background{acked: make(chan int, 1), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.seqs, b.err = publish(ctx, js, msgs, func(n int) {
			select {
			case <-b.acked:
			default:
			}
			b.acked <- n
		}, &b.resent)
	}()
	return b
}

// acknowledged returns how many messages are acknowledged so far; only the
// test goroutine calls it.
func (b *background) acknowledged() int {
	select {
	case n := <-b.acked:
		b.n = n
	default:
	}
	return b.n
}

// wait waits for the publisher to finish and requires that it published
// everything.
func (b *background) wait(t *testing.T) []uint64 {
	t.Helper()
	<-b.done
	require.NoError(t, b.err, "publisher")
	return b.seqs
}

// visible returns, summed over views, count() and uniqExact(id).
func visible(ctx context.Context, db *chtest.DB, views []string) (rows, distinct uint64, err error) {
	for _, v := range views {
		var n, u uint64
		if err := db.Conn.QueryRow(ctx, "SELECT count(), uniqExact(id) FROM "+db.Database+"."+v).Scan(&n, &u); err != nil {
			return 0, 0, fmt.Errorf("count %s: %w", v, err)
		}
		rows, distinct = rows+n, distinct+u
	}
	return rows, distinct, nil
}

// storedIDs returns every id visible in views, with how often it shows.
func storedIDs(t *testing.T, db *chtest.DB, views []string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	seen := map[string]int{}
	for _, v := range views {
		rows, err := db.Conn.Query(ctx, "SELECT id FROM "+db.Database+"."+v)
		require.NoError(t, err)
		for rows.Next() {
			var id string
			require.NoError(t, rows.Scan(&id))
			seen[id]++
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
	}
	return seen
}

// waitStored waits up to within until views show as many distinct ids as
// want holds, and returns how long that took. Then it requires that the
// ids are exactly want's (published = stored) and that no id shows twice
// (count() = uniqExact(id)).
func waitStored(t *testing.T, db *chtest.DB, views []string, want []string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, distinct, err := visible(ctx, db, views)
		if assert.NoError(c, err) {
			assert.GreaterOrEqual(c, distinct, uint64(len(want)), "distinct ids visible")
		}
	}, within, 100*time.Millisecond)
	elapsed := time.Since(start)
	assertStoredOnce(t, db, views, want)
	return elapsed
}

// assertStoredOnce checks that views hold exactly the ids of want, each
// once.
func assertStoredOnce(t *testing.T, db *chtest.DB, views []string, want []string) {
	t.Helper()
	seen := storedIDs(t, db, views)
	var missing, extra, twice []string
	wantSet := make(map[string]bool, len(want))
	for _, id := range want {
		wantSet[id] = true
		if seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	for id, n := range seen {
		if !wantSet[id] {
			extra = append(extra, id)
		}
		if n > 1 {
			twice = append(twice, id)
		}
	}
	assert.Empty(t, missing, "published but not stored (%d of %d)", len(missing), len(wantSet))
	assert.Empty(t, extra, "stored but never published")
	assert.Empty(t, twice, "visible more than once")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, distinct, err := visible(ctx, db, views)
	require.NoError(t, err)
	assert.Equal(t, distinct, rows, "count() = uniqExact(id) through %s", strings.Join(views, ", "))
	assert.Equal(t, uint64(len(wantSet)), distinct, "published = stored")
}

// waitAckFloor waits up to within until durable on stream has acked
// everything in the stream: nothing pending, nothing awaiting an ack, and
// its ack floor at the stream's last sequence.
func waitAckFloor(t *testing.T, js jetstream.JetStream, stream, durable string, within time.Duration) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s, err := js.Stream(ctx, stream)
		if !assert.NoError(c, err) {
			return
		}
		cons, err := s.Consumer(ctx, durable)
		if !assert.NoError(c, err) {
			return
		}
		info, err := cons.Info(ctx)
		if !assert.NoError(c, err) {
			return
		}
		last := s.CachedInfo().State.LastSeq
		assert.Zero(c, info.NumPending, "%s: undelivered", durable)
		assert.Zero(c, info.NumAckPending, "%s: awaiting an ack", durable)
		assert.Equal(c, last, info.AckFloor.Stream, "%s: ack floor at the stream's last sequence", durable)
	}, within, 100*time.Millisecond)
}

// consumerInfo returns durable's info on stream.
func consumerInfo(ctx context.Context, js jetstream.JetStream, stream, durable string) (*jetstream.ConsumerInfo, error) {
	cons, err := js.Consumer(ctx, stream, durable)
	if err != nil {
		return nil, err
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return nil, err
	}
	if info == nil {
		return nil, errors.New("no consumer info")
	}
	return info, nil
}

// figure logs one measured figure of a case, in a form the README quotes.
func figure(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Logf("figure: "+format, args...)
}
