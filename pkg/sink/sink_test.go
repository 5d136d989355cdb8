package sink_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/table"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// 20,000 messages of every kind, 2,000 of them republished duplicates
// (1,000 with the same Nats-Msg-Id, which JetStream drops, and 1,000
// without one, which only ClickHouse's ReplacingMergeTree can collapse):
// exactly 18,000 rows visible, each equal to what was sent.
func TestPipelineStoresEveryEventOnce(t *testing.T) {
	p, db := startFreshPipeline(t)
	js := p.bus.JetStream()

	events := genMixed(18000) // 18,000 of the first kinds and 3,600 market quotes
	publish(t, js, events, true)
	publish(t, js, events[:1000], true)      // same Nats-Msg-Id: dropped by JetStream
	publish(t, js, events[1000:2000], false) // no Nats-Msg-Id: reach the sink twice

	waitVisible(t, db, 21600, 2*time.Minute)
	assertStored(t, db, events)
	info, err := js.Stream(context.Background(), natsfx.StreamEvents)
	require.NoError(t, err)
	// Scores go to CW_SCORES: of 21,600 events 3,600 are scores, and of
	// the 1,000 id-less republications 167.
	assert.Equal(t, uint64(18000+833), info.CachedInfo().State.Msgs, "CW_EVENTS holds the 1,000 id-less republications")
}

// ClickHouse stops while events keep arriving: the sink reports not ready,
// redelivers, and once the server is back every event is stored once.
func TestClickHouseOutageLosesNothing(t *testing.T) {
	ns := natstest.New(t)
	srv := chtest.Dedicated(t)
	db := chtest.NewOn(t, srv.Addr())
	p := startPipeline(t, ns.URL, db.Addr, db.Database, fastConfig())
	js := p.bus.JetStream()
	require.Equal(t, http.StatusOK, p.readyz())

	events := genEvents(6000)
	publish(t, js, events[:2000], true)
	waitVisible(t, db, 2000, time.Minute)

	require.NoError(t, srv.Stop())
	publish(t, js, events[2000:4000], true)
	require.Eventually(t, func() bool { return p.readyz() == http.StatusServiceUnavailable }, 30*time.Second, 20*time.Millisecond,
		"/readyz must turn false while ClickHouse is down")
	publish(t, js, events[4000:], true)
	assert.Equal(t, http.StatusServiceUnavailable, p.readyz())

	require.NoError(t, srv.Restart(context.Background()))
	require.Eventually(t, func() bool { return p.readyz() == http.StatusOK }, time.Minute, 20*time.Millisecond,
		"/readyz must turn true once ClickHouse is back")
	waitVisible(t, db, 6000, 2*time.Minute)
	assertStored(t, db, events)
}

// A sink dies mid-batch (its NATS connection cut, nothing acked after that):
// a new sink on the same durable consumer stores everything, once.
func TestSinkCrashMidBatchLosesNothing(t *testing.T) {
	ns := natstest.New(t)
	db := chtest.New(t)
	cfg := fastConfig()
	cfg.BatchMaxRows = 500
	cfg.BatchMaxWait = 300 * time.Millisecond
	cfg.InsertTimeout = 500 * time.Millisecond
	cfg.AckWait = 3 * time.Second
	first := startPipeline(t, ns.URL, db.Addr, db.Database, cfg)

	events := genEvents(8000)
	publisher := startBus(t, ns.URL)
	publish(t, publisher.JetStream(), events, true)
	require.Eventually(t, func() bool { rows, _ := visible(t, db); return rows > 0 }, time.Minute, 5*time.Millisecond)

	first.bus.Conn().Close() // crash: no drain, no further acks reach the server
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_ = first.sink.Stop(ctx)
	cancel()
	rows, _ := visible(t, db)
	t.Logf("rows stored by the first sink before it died: %d of %d", rows, len(events))

	startPipeline(t, ns.URL, db.Addr, db.Database, cfg)
	waitVisible(t, db, uint64(len(events)), 2*time.Minute)
	assertStored(t, db, events)
}

// A malformed message and a schema-invalid one are dead-lettered with their
// reasons and original bytes; the events after them are stored.
func TestInvalidMessagesAreDeadLettered(t *testing.T) {
	p, db := startFreshPipeline(t)
	js := p.bus.JetStream()
	ctx := context.Background()

	malformed := []byte(`{"schema":"cw.jgb.yield/v1","tenor":"10Y","yield_pct":`)
	bad := &event.JGBYield{Meta: event.Meta{Source: "test", ObservedAt: time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)}, Tenor: "10Y", YieldPct: 188.1}
	event.Seal(bad, time.Now())
	invalid, err := event.Marshal(bad)
	require.NoError(t, err)
	_, err = js.Publish(ctx, "cw.events.jgb.yield.10Y", malformed)
	require.NoError(t, err)
	_, err = js.Publish(ctx, "cw.events.jgb.yield.10Y", invalid)
	require.NoError(t, err)
	after := genEvents(50)
	publish(t, js, after, true)

	waitVisible(t, db, 50, time.Minute)
	assertStored(t, db, after)

	got := waitDeadLetters(t, db, 2, time.Minute)
	require.Len(t, got, 2)

	assert.Equal(t, deadRow{stage: sink.Stage, subject: "cw.events.jgb.yield.10Y", code: "malformed", payload: string(malformed), seq: 1},
		deadRow{stage: got[0].stage, subject: got[0].subject, code: got[0].code, payload: got[0].payload, seq: got[0].seq})
	assert.Contains(t, got[0].reason, "malformed message")
	assert.Equal(t, deadRow{stage: sink.Stage, subject: "cw.events.jgb.yield.10Y", code: "out_of_range", payload: string(invalid), seq: 2},
		deadRow{stage: got[1].stage, subject: got[1].subject, code: got[1].code, payload: got[1].payload, seq: got[1].seq})
	assert.True(t, strings.HasPrefix(got[1].reason, "yield_pct: value out of range"), got[1].reason)

	dlq, err := js.Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	msg, err := dlq.GetLastMsgForSubject(ctx, event.SubjectDeadLetter(sink.Stage))
	require.NoError(t, err)
	dl, err := event.Parse(msg.Data, time.Now())
	require.NoError(t, err)
	assert.Equal(t, invalid, dl.(*event.DeadLetter).Payload, "cw.dlq.sink carries the original bytes")

	cons, err := js.Consumer(ctx, natsfx.StreamEvents, "sink-events")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		info, err := cons.Info(ctx)
		return err == nil && info.NumAckPending == 0 && info.NumPending == 0
	}, 10*time.Second, 20*time.Millisecond, "rejected messages are terminated, not left pending")

	assert.Equal(t, 1.0, p.metric(t, "cw_sink_dead_letters_total", "code", "malformed"))
	assert.Equal(t, 1.0, p.metric(t, "cw_sink_dead_letters_total", "code", "out_of_range"))
	assert.Equal(t, 10.0, p.metric(t, "cw_sink_rows_inserted_total", "table", "jgb_yields"))
	assert.Equal(t, 2.0, p.metric(t, "cw_sink_rows_inserted_total", "table", "dead_letters"))
	assert.Equal(t, 42.0, p.metric(t, "cw_sink_messages_consumed_total", "stream", natsfx.StreamEvents),
		"40 stored events and 2 rejected ones from CW_EVENTS")
}

// A consumer deleted under a running sink (an operator's mistake, a
// terminal pull error) is recreated, and events published after are stored.
func TestDeletedConsumerIsRecreated(t *testing.T) {
	p, db := startFreshPipeline(t)
	js := p.bus.JetStream()
	ctx := context.Background()

	events := genEvents(100)
	publish(t, js, events[:50], true)
	waitVisible(t, db, 50, time.Minute)

	require.NoError(t, js.DeleteConsumer(ctx, natsfx.StreamEvents, "sink-events"))
	require.Eventually(t, func() bool {
		_, err := js.Consumer(ctx, natsfx.StreamEvents, "sink-events")
		return err == nil
	}, 30*time.Second, 20*time.Millisecond, "the sink recreates its consumer")
	publish(t, js, events[50:], true)
	waitVisible(t, db, 100, time.Minute)
	assertStored(t, db, events)
	require.Eventually(t, func() bool { return p.readyz() == http.StatusOK }, 30*time.Second, 20*time.Millisecond)
}

// Stop flushes a batch that is still filling and acks it.
func TestGracefulStopFlushesAndAcks(t *testing.T) {
	ns := natstest.New(t)
	db := chtest.New(t)
	cfg := fastConfig()
	cfg.BatchMaxRows = 10000
	cfg.BatchMaxWait = time.Hour // never flushed by age: only Stop flushes
	cfg.AckWait = 2 * time.Hour
	cfg.AckStallMax = 3 * time.Hour
	p := startPipeline(t, ns.URL, db.Addr, db.Database, cfg)
	js := p.bus.JetStream()
	ctx := context.Background()

	// One message at a time, each consumed before the next is sent: the
	// consumer is never behind, so nothing is flushed for catching up
	// either (TestBacklogIsFlushedWhenCaughtUp).
	events := genEvents(100)
	consumed := func() float64 {
		e, _ := p.series(t, "cw_sink_messages_consumed_total", "stream", natsfx.StreamEvents)
		s, _ := p.series(t, "cw_sink_messages_consumed_total", "stream", natsfx.StreamScores)
		return e + s
	}
	for i, ev := range events {
		publish(t, js, []event.Event{ev}, true)
		require.Eventually(t, func() bool { return consumed() == float64(i+1) }, time.Minute, time.Millisecond)
	}
	rows, _ := visible(t, db)
	require.Zero(t, rows, "nothing is flushed before Stop")

	stopCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	require.NoError(t, p.sink.Stop(stopCtx))
	waitVisible(t, db, 100, 10*time.Second)
	for _, name := range []string{"sink-events", "sink-scores"} {
		stream := natsfx.StreamEvents
		if name == "sink-scores" {
			stream = natsfx.StreamScores
		}
		cons, err := js.Consumer(ctx, stream, name)
		require.NoError(t, err)
		// Acks travel on the sink's connection, this request on another:
		// the server may answer it before it has read the last acks.
		assert.Eventually(t, func() bool {
			info, err := cons.Info(ctx)
			return err == nil && info.NumAckPending == 0 && info.NumPending == 0
		}, 30*time.Second, 10*time.Millisecond, "%s: every stored message is acked", name)
	}
}

// A backlog read while the consumer was behind is flushed as soon as the
// consumer catches up: rows show long before BatchMaxWait, which is an
// hour here.
func TestBacklogIsFlushedWhenCaughtUp(t *testing.T) {
	ns := natstest.New(t)
	db := chtest.New(t)
	events := genEvents(500)
	publish(t, startBus(t, ns.URL).JetStream(), events, true)

	cfg := fastConfig()
	cfg.BatchMaxRows = 10000
	cfg.BatchMaxWait = time.Hour
	cfg.AckWait = 2 * time.Hour
	cfg.AckStallMax = 3 * time.Hour
	p := startPipeline(t, ns.URL, db.Addr, db.Database, cfg)
	waitVisible(t, db, 500, 30*time.Second)
	assertStored(t, db, events)
	assert.Equal(t, 400.0, p.metric(t, "cw_sink_rows_inserted_total", "table", "jgb_yields")+
		p.metric(t, "cw_sink_rows_inserted_total", "table", "fed_odds")+
		p.metric(t, "cw_sink_rows_inserted_total", "table", "etf_flows")+
		p.metric(t, "cw_sink_rows_inserted_total", "table", "venue_status"))
}

// Heartbeats share CW_EVENTS with the events but have no table: the sink
// acks them without storing them, never dead-letters them, and its consumer
// ends with nothing pending, a heartbeat being the first and the last
// message it reads.
func TestHeartbeatsAreAckedNotStored(t *testing.T) {
	p, db := startFreshPipeline(t)
	js := p.bus.JetStream()
	ctx := context.Background()

	heartbeat := func(at time.Time) event.Event {
		hb := &event.Heartbeat{Meta: event.Meta{Source: "test", ObservedAt: at, IngestedAt: at}}
		event.Seal(hb, at)
		return hb
	}
	events := genEvents(100) // 80 on CW_EVENTS, 20 risk scores on CW_SCORES
	mixed := []event.Event{heartbeat(events[0].Header().ObservedAt.Add(-time.Minute))}
	for i, ev := range events {
		mixed = append(mixed, ev)
		if i%10 == 9 {
			mixed = append(mixed, heartbeat(ev.Header().ObservedAt.Add(30*time.Second)))
		}
	}
	require.Len(t, mixed, 111)
	publish(t, js, mixed, true)

	waitVisible(t, db, 100, time.Minute)
	assertStored(t, db, events)
	for _, c := range []struct{ stream, consumer string }{
		{natsfx.StreamEvents, "sink-events"},
		{natsfx.StreamDLQ, "sink-dlq"},
	} {
		cons, err := js.Consumer(ctx, c.stream, c.consumer)
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			info, err := cons.Info(ctx)
			return err == nil && info.NumAckPending == 0 && info.NumPending == 0
		}, 10*time.Second, 20*time.Millisecond, "%s: heartbeats are acked, not left pending", c.consumer)
	}

	dlq, err := js.Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	assert.Zero(t, dlq.CachedInfo().State.Msgs, "nothing reaches cw.dlq.>")
	assert.Zero(t, chtest.Count(t, db, "SELECT count() FROM "+db.Database+".v_dead_letters"), "no dead letter is stored")
	assert.Equal(t, 91.0, p.metric(t, "cw_sink_messages_consumed_total", "stream", natsfx.StreamEvents),
		"80 stored events and 11 heartbeats from CW_EVENTS")
	assert.Equal(t, 20.0, p.metric(t, "cw_sink_rows_inserted_total", "table", "risk_scores"))
}

// Every kind is stored only from its own subject: sent with another key
// (a 10Y yield on cw.events.jgb.yield.2Y) or on another kind's subject it
// is dead-lettered with code bad_subject. A dead letter on another stage's
// subject is kept, wrapped in a bad_subject dead letter of that stage.
func TestSubjectMustMatchTheEvent(t *testing.T) {
	p, db := startFreshPipeline(t)
	js := p.bus.JetStream()
	ctx := context.Background()

	at := time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)
	meta := event.Meta{Source: "test", ObservedAt: at}
	sealed := func(e event.Event) event.Event { event.Seal(e, at.Add(time.Minute)); return e }
	jgb := sealed(&event.JGBYield{Meta: meta, Tenor: "10Y", YieldPct: 1.881})
	fed := sealed(&event.FedOdds{Meta: meta, Meeting: "2026-01-28", Outcomes: []event.Outcome{{ChangeBP: -25, Probability: 0.2}, {ChangeBP: 0, Probability: 0.8}}})
	etf := sealed(&event.ETFFlow{Meta: meta, Asset: "BTC", Ticker: "IBIT", TradeDate: "2025-11-28", FlowUSD: -1e8})
	venue := sealed(&event.VenueStatus{Meta: meta, Venue: "cme", IncidentID: "halt-1", Action: event.ActionOpen,
		Severity: event.SeverityHalt, StartedAt: at})
	score := sealed(&event.RiskScore{Meta: meta, Index: 62.5, Regime: event.RegimeElevated, ModelVersion: "test",
		CalibrationHash: "abc", Watermark: event.Watermark{StreamSeq: 1, EventTime: at}})
	heartbeat := sealed(&event.Heartbeat{Meta: meta})
	ingestDL := event.NewDeadLetter("ingest", "", []byte("garbage"), 0, errors.New("bad body"), at, at)

	tests := []struct {
		name      string
		ev        event.Event
		subject   string
		wantCode  string // "": stored (a heartbeat: acked)
		wantStage string
	}{
		{name: "jgb yield", ev: jgb, subject: "cw.events.jgb.yield.10Y"},
		{name: "jgb yield, other tenor", ev: jgb, subject: "cw.events.jgb.yield.2Y", wantCode: "bad_subject", wantStage: sink.Stage},
		{name: "jgb yield, fed odds subject", ev: jgb, subject: "cw.events.fed.odds.2026-01-28", wantCode: "bad_subject", wantStage: sink.Stage},
		{name: "fed odds", ev: fed, subject: "cw.events.fed.odds.2026-01-28"},
		{name: "fed odds, other meeting", ev: fed, subject: "cw.events.fed.odds.2025-12-10", wantCode: "bad_subject", wantStage: sink.Stage},
		{name: "etf flow", ev: etf, subject: "cw.events.etf.flow.IBIT"},
		{name: "etf flow, other ticker", ev: etf, subject: "cw.events.etf.flow.FBTC", wantCode: "bad_subject", wantStage: sink.Stage},
		{name: "venue status", ev: venue, subject: "cw.events.venue.status.cme"},
		{name: "venue status, other venue", ev: venue, subject: "cw.events.venue.status.binance", wantCode: "bad_subject", wantStage: sink.Stage},
		{name: "risk score", ev: score, subject: "cw.risk.score"},
		{name: "heartbeat", ev: heartbeat, subject: "cw.events.heartbeat"},
		{name: "heartbeat, jgb yield subject", ev: heartbeat, subject: "cw.events.jgb.yield.10Y", wantCode: "bad_subject", wantStage: sink.Stage},
		{name: "dead letter", ev: ingestDL, subject: "cw.dlq.ingest"},
		{name: "dead letter, other stage", ev: ingestDL, subject: "cw.dlq.replay", wantCode: "bad_subject", wantStage: "replay"},
	}
	wantDead := 1 // ingest's own dead letter
	for _, tt := range tests {
		data, err := event.Marshal(tt.ev)
		require.NoError(t, err)
		_, err = js.Publish(ctx, tt.subject, data) // no Nats-Msg-Id: every copy is kept
		require.NoError(t, err, tt.name)
		if tt.wantCode != "" {
			wantDead++
		}
	}

	dead := waitDeadLetters(t, db, wantDead, time.Minute)
	for stream, consumer := range map[string]string{natsfx.StreamEvents: "sink-events", natsfx.StreamScores: "sink-scores", natsfx.StreamDLQ: "sink-dlq"} {
		waitConsumerDone(t, js, stream, consumer, time.Minute) // stored rows are acked
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := event.Marshal(tt.ev)
			require.NoError(t, err)
			var got []deadRow
			for _, d := range dead {
				if d.subject == tt.subject && d.payload == string(data) {
					got = append(got, d)
				}
			}
			if tt.wantCode != "" {
				require.Len(t, got, 1, "one dead letter from %s", tt.subject)
				assert.Equal(t, tt.wantCode, got[0].code)
				assert.Equal(t, tt.wantStage, got[0].stage)
				assert.Contains(t, got[0].reason, tt.ev.Subject())
				return
			}
			assert.Empty(t, got, "nothing dead-lettered from %s", tt.subject)
			if spec := table.For(tt.ev.SchemaName()); spec != nil {
				assert.Equal(t, uint64(1), chtest.Count(t, db, "SELECT count() FROM "+db.Database+".v_"+spec.Name+" WHERE id = ?", tt.ev.Header().ID),
					"stored in %s", spec.Name)
			}
		})
	}
	assert.Equal(t, float64(wantDead-2), p.metric(t, "cw_sink_dead_letters_total", "code", "bad_subject"),
		"the sink's own; the wrapped one is stored directly")
}
