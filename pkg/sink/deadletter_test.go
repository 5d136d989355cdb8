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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
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
	pad := func(n int) []byte {
		return append(append(bytes.Clone(raw[:len(raw)-1]), `,"pad":"`+strings.Repeat("x", n)+`"}`...), []byte{}...)
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
			max := js.Conn().MaxPayload()
			require.Less(t, int64(len(tt.data)), max, "the original fits the server")
			require.Greater(t, int64(len(tt.data))*4/3, max, "the original in base64 does not")

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
			assert.LessOrEqual(t, int64(len(msg.Data)+event.DeadLetterHeaderRoom), max)
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
