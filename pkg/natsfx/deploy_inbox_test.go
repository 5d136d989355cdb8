package natsfx_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Replies go to each user's own inbox. quant, trying to subscribe to every
// other inbox, receives none of the CW_EVENTS messages admin fetches (as
// the carrywatch CLI connects: CW_NATS_USER=admin and nothing else), nor
// the acknowledgements and pulled messages of the services.
func TestDeployNoUserReadsAnotherUsersReplies(t *testing.T) {
	srv, _ := startDeployNATS(t)
	ctx := testContext(t)

	cli := serviceConfig(srv.URL, "admin")
	require.Empty(t, cli.InboxPrefix, "the CLI's configuration names no inbox prefix")
	require.Equal(t, "_INBOX_admin", cli.Inbox())

	quant := connectAs(t, srv.URL, "quant")
	spied := make(chan *nats.Msg, 1024)
	others := []string{">", "_INBOX.>", "_INBOX_admin.>", "_INBOX_ingest.>", "_INBOX_scorer.>", "_INBOX_sink.>"}
	for _, subject := range others {
		_, err := quant.nc.ChanSubscribe(subject, spied)
		require.NoError(t, err)
	}
	sentinel, err := quant.nc.SubscribeSync("cw.risk.sentinel")
	require.NoError(t, err)
	require.NoError(t, quant.nc.Flush())

	// ingest publishes five events, acknowledged on _INBOX_ingest.
	ingest := connectAs(t, srv.URL, "ingest")
	for d := 1; d <= 5; d++ {
		_, err := ingest.js.Publish(ctx, event.SubjectJGBYield("10Y"), jgbYield(t, d, 1.7))
		require.NoError(t, err)
	}
	// admin fetches them, as `carrywatch outage` and `tail` read CW_EVENTS.
	admin := connectAs(t, srv.URL, "admin")
	cons, err := admin.js.OrderedConsumer(ctx, natsfx.StreamEvents, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err)
	require.Equal(t, 5, fetchCount(t, cons, 5), "admin read the five events")
	// The scorer's publish acknowledgement and the sink's pulls.
	scorerConn := connectAs(t, srv.URL, "scorer")
	_, err = scorerConn.js.Publish(ctx, event.SubjectRiskScore, riskPrint(t, 0, 41.5))
	require.NoError(t, err)
	sinkConn := connectAs(t, srv.URL, "sink")
	sinkCons, err := sinkConn.js.CreateOrUpdateConsumer(ctx, natsfx.StreamEvents, jetstream.ConsumerConfig{
		Durable: "sink-events", AckPolicy: jetstream.AckExplicitPolicy,
	})
	require.NoError(t, err)
	require.Equal(t, 5, fetchCount(t, sinkCons, 5), "the sink pulled the five events")

	// The server queues messages for quant in order: whatever it routed to
	// quant before the sentinel is in spied once the sentinel arrives.
	require.NoError(t, admin.nc.Publish("cw.risk.sentinel", []byte("end")))
	_, err = sentinel.NextMsg(5 * time.Second)
	require.NoError(t, err)
	var leaked []string
	for len(spied) > 0 {
		m := <-spied
		leaked = append(leaked, m.Subject)
	}
	assert.Empty(t, leaked, "quant received replies meant for other users")
	for _, subject := range others {
		quant.requireViolation(t, subject)
	}
}

// A quant desk's own client, set up as the README shows, reads the latest
// print with the _INBOX_quant reply prefix, and gets no reply without it.
func TestDeployQuantStockClientNeedsItsInboxPrefix(t *testing.T) {
	srv, _ := startDeployNATS(t)
	ctx := testContext(t)
	scorerConn := connectAs(t, srv.URL, "scorer")
	latest := riskPrint(t, 0, 41.5)
	_, err := scorerConn.js.Publish(ctx, event.SubjectRiskScore, latest)
	require.NoError(t, err)

	readLatest := func(ctx context.Context, opts ...nats.Option) ([]byte, error) {
		nc, err := nats.Connect(srv.URL, append([]nats.Option{nats.UserInfo("quant", deployUsers["quant"])}, opts...)...)
		require.NoError(t, err)
		defer nc.Close()
		js, err := jetstream.New(nc)
		require.NoError(t, err)
		cons, err := js.OrderedConsumer(ctx, natsfx.StreamScores, jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{event.SubjectRiskScore},
			DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
		})
		if err != nil {
			return nil, err
		}
		msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			return nil, err
		}
		return msg.Data(), nil
	}

	got, err := readLatest(ctx, nats.CustomInboxPrefix("_INBOX_quant"))
	require.NoError(t, err)
	assert.Equal(t, string(latest), string(got))

	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err = readLatest(short)
	assert.Error(t, err, "without its prefix quant may not subscribe to the replies")
}

// fetchCount fetches up to n messages of cons, waiting at most five
// seconds, and returns how many came.
func fetchCount(t *testing.T, cons jetstream.Consumer, n int) int {
	t.Helper()
	batch, err := cons.Fetch(n, jetstream.FetchMaxWait(5*time.Second))
	require.NoError(t, err)
	got := 0
	for range batch.Messages() {
		got++
	}
	require.NoError(t, batch.Error())
	return got
}
