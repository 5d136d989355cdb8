package sink_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/table"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

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
