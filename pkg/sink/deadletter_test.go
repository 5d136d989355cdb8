package sink_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// An invalid message near the server's max_payload cannot be dead-lettered
// whole (base64 makes it a third larger): it is dead-lettered once, cut to
// the connection's max payload, with the original's size and digest, and
// terminated, so the consumer's ack floor reaches the end of the stream.
func TestOversizedRejectionIsDeadLetteredTruncated(t *testing.T) {
	valid := genEvents(1)[0]
	raw, err := event.Marshal(valid)
	require.NoError(t, err)
	pad := func(n int) []byte { // a field no schema has
		return append(bytes.Clone(raw[:len(raw)-1]), `,"pad":"`+strings.Repeat("x", n)+`"}`...)
	}
	tests := []struct {
		name       string
		maxPayload int32 // 0: the server's default, 1 MiB
		data       []byte
		wantCode   string
	}{
		{name: "900 kB pad field", data: pad(900_000), wantCode: "malformed"},
		{name: "1 MB source", data: bytes.Replace(raw, []byte(`"source":"test"`),
			[]byte(`"source":"`+strings.Repeat("s", 1_000_000)+`"`), 1), wantCode: "bad_format"},
		{name: "200 kB pad field, 256 KiB server", maxPayload: 256 << 10, data: pad(200_000), wantCode: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := natstest.NewWithOptions(t, func(o *server.Options) {
				if tt.maxPayload > 0 {
					o.MaxPayload = tt.maxPayload
				}
			})
			db := chtest.New(t)
			p := startPipeline(t, ns.URL, db.Addr, db.Database, fastConfig())
			js := p.bus.JetStream()
			ctx := context.Background()
			limit := js.Conn().MaxPayload()
			require.Less(t, int64(len(tt.data)), limit, "the original fits the server")
			require.Greater(t, int64(len(tt.data))*4/3, limit, "the original in base64 does not")

			_, err := js.Publish(ctx, valid.Subject(), tt.data)
			require.NoError(t, err)
			after := genEvents(10)
			publish(t, js, after, true)

			dead := waitDeadLetters(t, db, 1, time.Minute)[0]
			assert.Equal(t, sink.Stage, dead.stage)
			assert.Equal(t, valid.Subject(), dead.subject)
			assert.Equal(t, tt.wantCode, dead.code)
			assert.Equal(t, uint64(1), dead.seq)
			assert.Less(t, len(dead.payload), len(tt.data), "payload cut")
			assert.Greater(t, len(dead.payload), 0)
			assert.True(t, bytes.HasPrefix(tt.data, []byte(dead.payload)), "payload is the original's beginning")
			sum := sha256.Sum256(tt.data)
			assert.Contains(t, dead.reason, fmt.Sprintf("payload truncated: original %d bytes, sha256 %s", len(tt.data), hex.EncodeToString(sum[:])))
			assert.Less(t, len(dead.reason), event.MaxReasonBytes+200)

			dlq, err := js.Stream(ctx, natsfx.StreamDLQ)
			require.NoError(t, err)
			assert.Equal(t, uint64(1), dlq.CachedInfo().State.Msgs, "exactly one dead letter")
			// Generous: the reply carries the dead letter in base64 again.
			getCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			msg, err := dlq.GetLastMsgForSubject(getCtx, event.SubjectDeadLetter(sink.Stage))
			require.NoError(t, err)
			assert.LessOrEqual(t, int64(len(msg.Data)+event.DeadLetterHeaderRoom), limit)
			ev, err := event.Parse(msg.Data, time.Now())
			require.NoError(t, err)
			dl := ev.(*event.DeadLetter)
			assert.True(t, dl.Truncated)
			assert.Equal(t, uint64(len(tt.data)), dl.OriginalSize)
			assert.Equal(t, hex.EncodeToString(sum[:]), dl.OriginalSHA256)
			assert.Equal(t, dead.payload, string(dl.Payload))

			waitConsumerDone(t, js, natsfx.StreamEvents, "sink-events", time.Minute)
			waitVisible(t, db, 10, time.Minute)
			assert.Equal(t, 1.0, p.metric(t, "cw_sink_dead_letters_total", "code", tt.wantCode))
		})
	}
}

// A message whose insert keeps failing is redelivered MaxDeliver times,
// then dead-lettered with code max_deliveries, its original bytes and the
// last failure, and terminated: it neither comes back forever nor
// disappears.
func TestExhaustedDeliveriesAreDeadLettered(t *testing.T) {
	ns := natstest.New(t)
	db := chtest.New(t)
	cfg := fastConfig()
	cfg.MaxDeliver = 3
	p := startPipeline(t, ns.URL, db.Addr, db.Database, cfg)
	js := p.bus.JetStream()
	ctx := context.Background()
	require.NoError(t, db.Conn.Exec(ctx, "DROP TABLE "+db.Database+".jgb_yields"))

	var yields []event.Event
	for _, ev := range genEvents(10) {
		if ev.SchemaName() == event.SchemaJGBYield {
			yields = append(yields, ev)
		}
	}
	require.Len(t, yields, 2)
	publish(t, js, yields, true)

	dead := waitDeadLetters(t, db, 2, time.Minute)
	for i, d := range dead {
		raw, err := event.Marshal(yields[i])
		require.NoError(t, err)
		assert.Equal(t, deadRow{stage: sink.Stage, subject: yields[i].Subject(), code: "max_deliveries", payload: string(raw), seq: uint64(i + 1)},
			deadRow{stage: d.stage, subject: d.subject, code: d.code, payload: d.payload, seq: d.seq})
		assert.Contains(t, d.reason, "3 deliveries, last failure: prepare batch jgb_yields")
	}
	waitConsumerDone(t, js, natsfx.StreamEvents, "sink-events", time.Minute)
	assert.Equal(t, 2.0, p.metric(t, "cw_sink_dead_letters_total", "code", "max_deliveries"))
	assert.GreaterOrEqual(t, p.metric(t, "cw_sink_insert_failures_total", "table", "jgb_yields"), 3.0)

	cons, err := js.Consumer(ctx, natsfx.StreamEvents, "sink-events")
	require.NoError(t, err)
	assert.Equal(t, 3, cons.CachedInfo().Config.MaxDeliver)
	for _, name := range []string{"sink-scores", "sink-dlq"} {
		stream := natsfx.StreamScores
		if name == "sink-dlq" {
			stream = natsfx.StreamDLQ
		}
		c, err := js.Consumer(ctx, stream, name)
		require.NoError(t, err)
		assert.Equal(t, 3, c.CachedInfo().Config.MaxDeliver, "%s has a bounded MaxDeliver", name)
	}
}

// A dead letter the sink cannot publish (here its NATS user may not publish
// on cw.dlq.sink) leaves the message to be redelivered, logged with the
// rejection's code and reason; after its last delivery the message is
// terminated, logged as an error and counted as abandoned: it is neither
// redelivered forever nor dropped in silence, and stays in CW_EVENTS.
func TestUnpublishableDeadLetterIsLoggedWithItsReason(t *testing.T) {
	sinkBus, admin := natsWithoutDLQ(t)
	db := chtest.New(t)
	cfg := fastConfig()
	cfg.MaxDeliver = 2
	cfg.InsertTimeout = 500 * time.Millisecond // bounds the dead-letter publish
	var out logtest.Buffer
	p := startPipelineWith(t, sinkBus, db.Addr, db.Database, cfg, out.Logger())
	js := admin.JetStream()
	ctx := context.Background()
	data := publishOutOfRange(t, js)

	waitConsumerDone(t, js, natsfx.StreamEvents, "sink-events", time.Minute)
	assert.Equal(t, 1.0, p.metric(t, "cw_sink_messages_abandoned_total", "stream", natsfx.StreamEvents))

	retried := out.Messages(t, "dead letter not published, message will be redelivered")
	require.Len(t, retried, 1, "the first delivery")
	abandoned := out.Messages(t, "dead letter not published and deliveries exhausted, message left in its stream")
	require.Len(t, abandoned, 1, "the last delivery")
	for _, line := range append(retried, abandoned...) {
		assert.Equal(t, "out_of_range", line["code"])
		assert.Equal(t, "yield_pct: value out of range: 188.1 is outside [-10, 30]", line["reason"])
		assert.Equal(t, 1.0, line["stream_seq"])
	}
	assert.Equal(t, "error", abandoned[0]["level"])

	dlq, err := js.Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	assert.Zero(t, dlq.CachedInfo().State.Msgs)
	events, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	kept, err := events.GetMsg(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, data, kept.Data, "the message stays in its stream")
}

// natsWithoutDLQ starts a server where the sink's user may publish anything
// but its dead letters, and returns that user's bus and an admin's.
func natsWithoutDLQ(t *testing.T) (sinkBus, admin *natsfx.Bus) {
	t.Helper()
	ns := natstest.NewWithOptions(t, func(o *server.Options) {
		o.Users = []*server.User{
			{Username: "admin", Password: "admin-pw"},
			{Username: "sink", Password: "sink-pw", Permissions: &server.Permissions{
				Publish: &server.SubjectPermission{Allow: []string{">"}, Deny: []string{"cw.dlq.sink"}},
			}},
		}
	})
	as := func(user, password string) *natsfx.Bus {
		cfg := natsfx.DefaultConfig()
		cfg.URL, cfg.User, cfg.Password = ns.URL, user, password
		return startBusWith(t, cfg)
	}
	return as("sink", "sink-pw"), as("admin", "admin-pw")
}

// publishOutOfRange publishes a JGB yield in basis points, which the sink
// rejects as out_of_range, and returns its bytes.
func publishOutOfRange(t *testing.T, js jetstream.JetStream) []byte {
	t.Helper()
	bad := &event.JGBYield{Meta: event.Meta{Source: "test", ObservedAt: time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)}, Tenor: "10Y", YieldPct: 188.1}
	event.Seal(bad, time.Now())
	data, err := event.Marshal(bad)
	require.NoError(t, err)
	_, err = js.Publish(context.Background(), bad.Subject(), data)
	require.NoError(t, err)
	return data
}
