package natsfx_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/web"
)

// The scorer's live page runs as user scorer: it reads the latest print,
// the prints, events and dead letters with its ordered consumers and is
// refused nothing; it still may not read through the sink's consumers.
func TestDeployScorerPageRunsAsScorer(t *testing.T) {
	srv, admin := startDeployNATS(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	pub := func(js jetstream.JetStream, e event.Event) {
		t.Helper()
		event.Seal(e, now)
		data, err := event.Marshal(e)
		require.NoError(t, err)
		_, err = js.Publish(testContext(t), e.Subject(), data, jetstream.WithMsgID(e.Header().ID))
		require.NoError(t, err)
	}
	print := func(index float64, seq uint64) *event.RiskScore {
		return &event.RiskScore{Meta: event.Meta{Source: "scorer", ObservedAt: now.Add(time.Duration(seq) * time.Minute)},
			Index: index, Regime: event.RegimeCalm, ModelVersion: risk.DefaultModelVersion, CalibrationHash: "h",
			Watermark: event.Watermark{StreamSeq: seq}}
	}
	pub(admin, print(10, 1))

	bus, busLogs := startBusAs(t, srv.URL, "scorer")
	log, logs := testLogger(t)
	cfg := web.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	page := web.New(cfg, bus, log)
	require.NoError(t, page.Start(testContext(t)))
	t.Cleanup(func() { _ = page.Stop(context.Background()) })

	pub(bus.JetStream(), print(20, 2))
	pub(connectAs(t, srv.URL, "ingest").js, &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: now},
		Instrument: event.InstrumentBTCUSD, Value: 90000, Unit: event.UnitUSD, Kind: event.QuoteLast})
	pub(admin, event.NewDeadLetter("sink", "cw.events.x", []byte("x"), 1, event.ErrMalformed, now, now))
	require.Eventually(t, func() bool {
		s := page.State().Snapshot(time.Now())
		return s.Print != nil && s.Print.Index == 20 && len(s.History) == 2 && s.BTC != nil && len(s.DeadLetters) == 1
	}, time.Minute, 10*time.Millisecond)
	assertNoViolation(t, "scorer bus", busLogs)
	assertNoViolation(t, "web", logs)

	_, err := admin.CreateOrUpdateConsumer(testContext(t), natsfx.StreamScores, jetstream.ConsumerConfig{
		Durable: "sink-scores", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: event.SubjectRiskScore,
	})
	require.NoError(t, err)
	conn := connectAs(t, srv.URL, "scorer")
	conn.refusePull(t, natsfx.StreamScores, "sink-scores")
}
