package sink_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// fastConfig batches small and retries quickly so tests finish in seconds.
func fastConfig() sink.Config {
	cfg := sink.DefaultConfig()
	cfg.BatchMaxRows = 1000
	cfg.BatchMaxWait = 100 * time.Millisecond
	cfg.InsertTimeout = 1500 * time.Millisecond
	cfg.AckWait = 10 * time.Second
	cfg.RetryBase = 100 * time.Millisecond
	cfg.RetryMax = 500 * time.Millisecond
	// A retry window of 8 minutes: no outage a test causes exhausts it.
	cfg.MaxDeliver = 1000
	cfg.LagInterval = 200 * time.Millisecond
	return cfg
}

// pipeline is one running sink with its own NATS connection and ClickHouse
// client, wired as in production.
type pipeline struct {
	reg  *prometheus.Registry
	bus  *natsfx.Bus
	ch   *chfx.Client
	sink *sink.Sink
	ops  *opsfx.Server
}

func startBus(t *testing.T, url string) *natsfx.Bus {
	t.Helper()
	cfg := natsfx.DefaultConfig()
	cfg.URL = url
	return startBusWith(t, cfg)
}

// startBusWith starts a bus with cfg (a user, say) and stops it at cleanup.
func startBusWith(t *testing.T, cfg natsfx.Config) *natsfx.Bus {
	t.Helper()
	bus := natsfx.New(cfg, logtest.Quiet())
	require.NoError(t, bus.Start(context.Background()))
	t.Cleanup(func() { _ = bus.Stop(context.Background()) })
	return bus
}

func startPipeline(t *testing.T, natsURL, chAddr, database string, cfg sink.Config) *pipeline {
	t.Helper()
	return startPipelineWith(t, startBus(t, natsURL), chAddr, database, cfg, logtest.Quiet())
}

// startFreshPipeline starts an embedded NATS server, a database of its own
// and a pipeline on them with fastConfig.
func startFreshPipeline(t *testing.T) (*pipeline, *chtest.DB) {
	t.Helper()
	ns := natstest.New(t)
	db := chtest.New(t)
	return startPipeline(t, ns.URL, db.Addr, db.Database, fastConfig()), db
}

// startPipelineWith is startPipeline on a bus already started, logging to log.
func startPipelineWith(t *testing.T, bus *natsfx.Bus, chAddr, database string, cfg sink.Config, log zerolog.Logger,
	before ...func(*sink.Sink),
) *pipeline {
	t.Helper()
	p := &pipeline{bus: bus}
	chCfg := chfx.Config{Addr: []string{chAddr}, Database: database}.WithDefaults()
	p.ch = chfx.NewClient(chCfg, logtest.Quiet())
	require.NoError(t, p.ch.Start(context.Background()))
	t.Cleanup(func() { _ = p.ch.Stop(context.Background()) })
	p.ops = opsfx.New(opsfx.Config{CheckTimeout: 2 * time.Second}, logtest.Quiet())
	p.reg = p.ops.Registry()
	s, err := sink.New(cfg, p.bus, p.ch, p.reg, log)
	require.NoError(t, err)
	p.sink = s
	for _, f := range before {
		f(s)
	}
	p.ops.AddCheck("sink", s.Ready)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Stop(ctx)
	})
	return p
}

// readyz returns the status code of GET /readyz.
func (p *pipeline) readyz() int {
	rec := httptest.NewRecorder()
	p.ops.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	return rec.Code
}

// genEvents returns n distinct sealed events cycling through every kind
// the sink stores from CW_EVENTS and CW_SCORES.
func genEvents(n int) []event.Event {
	base := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	ingested := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	tenors := []string{"2Y", "5Y", "10Y", "30Y"}
	tickers := []string{"IBIT", "FBTC", "GBTC", "ARKB", "TOTAL"}
	out := make([]event.Event, 0, n)
	for i := range n {
		at := base.Add(time.Duration(i) * time.Minute).Add(time.Duration(i%1000) * time.Millisecond)
		meta := event.Meta{Source: "test", ObservedAt: at, IngestedAt: ingested}
		var ev event.Event
		switch i % 5 {
		case 0:
			ev = &event.JGBYield{Meta: meta, Tenor: tenors[i%4], YieldPct: 0.5 + float64(i%1000)/1000}
		case 1:
			p := float64(i%97) / 96
			ev = &event.FedOdds{Meta: meta, Meeting: "2026-01-28",
				Outcomes: []event.Outcome{{ChangeBP: -25, Probability: p}, {ChangeBP: 0, Probability: 1 - p}}}
		case 2:
			f := &event.ETFFlow{Meta: meta, Asset: "BTC", Ticker: tickers[i%5], TradeDate: at.Format(time.DateOnly),
				FlowUSD: float64(i-9000) * 1e5}
			if i%2 == 0 {
				aum := 7e10 + float64(i)
				f.AUMUSD = &aum
			}
			ev = f
		case 3:
			resolved := at.Add(time.Hour)
			ev = &event.VenueStatus{Meta: meta, Venue: fmt.Sprintf("venue%d", i%7), IncidentID: fmt.Sprintf("inc-%d", i),
				Action: event.ActionResolve, Severity: event.SeverityHalt, Status: "resolved", Title: "halt",
				Components: []string{"spot", "futures"}, StartedAt: at.Add(-time.Hour), ResolvedAt: &resolved}
			ev.Header().ObservedAt = resolved
		case 4:
			ev = &event.RiskScore{Meta: meta, Index: float64(i%100) + 0.25, Regime: event.RegimeWatch,
				Blocks:       []event.Block{{Name: "A", Score: 0.5, Contribution: 20, Freshness: 1}, {Name: "E", Score: 0.9, Contribution: float64(i%50) / 2, Freshness: 1}},
				Triggers:     []string{"VENUE_DOWN"},
				Drivers:      []string{"E", "A"},
				ModelVersion: "test", CalibrationHash: "abc",
				Watermark: event.Watermark{StreamSeq: uint64(i), EventTime: at}}
			if i%10 == 4 { // every other print knows the ETF cost basis
				basis := 85000 + float64(i%1000)/8
				ev.(*event.RiskScore).ETFCostBasisUSD = &basis
			}
		}
		event.Seal(ev, ingested)
		out = append(out, ev)
	}
	return out
}

// genMixed returns genEvents(n) with a market quote after every fifth
// event: USDJPY fixings (some crossed from EUR rates) and BTC-USD last
// prices, n/5 of them.
func genMixed(n int) []event.Event {
	ingested := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	out := make([]event.Event, 0, n+n/5)
	for i, ev := range genEvents(n) {
		out = append(out, ev)
		if i%5 != 4 {
			continue
		}
		meta := event.Meta{Source: "test", ObservedAt: ev.Header().ObservedAt.Add(time.Second), IngestedAt: ingested}
		q := &event.MarketQuote{Meta: meta, Instrument: event.InstrumentUSDJPY, Value: 140 + float64(i%2000)/100,
			Unit: event.UnitJPYPerUSD, Kind: event.QuoteFixing}
		switch i % 3 {
		case 1:
			q.Instrument, q.Value, q.Unit, q.Kind = event.InstrumentBTCUSD, 80000+float64(i)/7, event.UnitUSD, event.QuoteLast
		case 2:
			q.DerivedFrom = "EURJPY/EURUSD"
		}
		event.Seal(q, ingested)
		out = append(out, q)
	}
	return out
}

// publish sends events asynchronously; withID sets Nats-Msg-Id.
func publish(t *testing.T, js jetstream.JetStream, events []event.Event, withID bool) {
	t.Helper()
	// At most publishWindow unacknowledged at once, as the product's
	// publishers do: past the client's limit (4000) PublishAsync fails with
	// "stalled with too many outstanding async published messages" when the
	// server is slow to acknowledge, as on a loaded machine.
	// Each window's acknowledgements may take 30 s.
	const publishWindow = 256
	w := natsfx.NewPublishWindow[struct{}](js, publishWindow, nil)
	for _, ev := range events {
		data, err := event.Marshal(ev)
		require.NoError(t, err)
		var opts []jetstream.PublishOpt
		if withID {
			opts = append(opts, jetstream.WithMsgID(ev.Header().ID))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err = w.Publish(ctx, &nats.Msg{Subject: ev.Subject(), Data: data}, struct{}{}, opts...)
		cancel()
		require.NoError(t, err, "publish, or its window's acknowledgements within 30 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, w.Flush(ctx), "the last acknowledgements within 30 s")
}

// visible counts rows and distinct ids across the deduplicated views.
func visible(t *testing.T, db *chtest.DB) (rows, ids uint64) {
	t.Helper()
	for _, v := range []string{"v_jgb_yields", "v_fed_odds", "v_etf_flows", "v_venue_status", "v_market_quotes", "v_risk_scores"} {
		var n, u uint64
		require.NoError(t, db.Conn.QueryRow(context.Background(),
			"SELECT count(), uniqExact(id) FROM "+db.Database+"."+v).Scan(&n, &u))
		rows += n
		ids += u
	}
	return rows, ids
}

// waitVisible waits until the views show want rows.
func waitVisible(t *testing.T, db *chtest.DB, want uint64, within time.Duration) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		rows, _ := visible(t, db)
		assert.Equal(c, want, rows)
	}, within, 50*time.Millisecond)
	rows, ids := visible(t, db)
	require.Equal(t, want, rows, "rows visible")
	require.Equal(t, want, ids, "distinct ids visible: a duplicate shows")
}

// metric returns the value of the series name{label=value} from /metrics.
func (p *pipeline) metric(t *testing.T, name, label, value string) float64 {
	t.Helper()
	v, ok := p.series(t, name, label, value)
	if !ok {
		t.Fatalf("no series %s{%s=%q}", name, label, value)
	}
	return v
}

// series returns the value of the series name{label=value} from /metrics
// and whether it exists yet.
func (p *pipeline) series(t *testing.T, name, label, value string) (float64, bool) {
	t.Helper()
	rec := httptest.NewRecorder()
	p.ops.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	require.NoError(t, err)
	for _, m := range families[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label && l.GetValue() == value {
				if m.GetCounter() != nil {
					return m.GetCounter().GetValue(), true
				}
				return m.GetGauge().GetValue(), true
			}
		}
	}
	return 0, false
}

// deadRow is one row of v_dead_letters.
type deadRow struct {
	stage, subject, code, reason, payload string
	seq                                   uint64
}

// waitDeadLetters waits until v_dead_letters holds want rows and returns
// them in stream order.
func waitDeadLetters(t *testing.T, db *chtest.DB, want int, within time.Duration) []deadRow {
	t.Helper()
	var got []deadRow
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		rows, err := db.Conn.Query(context.Background(), "SELECT stage, original_subject, code, reason, payload, original_seq FROM "+
			db.Database+".v_dead_letters ORDER BY original_seq")
		require.NoError(c, err)
		defer rows.Close()
		got = got[:0]
		for rows.Next() {
			var d deadRow
			require.NoError(c, rows.Scan(&d.stage, &d.subject, &d.code, &d.reason, &d.payload, &d.seq))
			got = append(got, d)
		}
		assert.Len(c, got, want)
	}, within, 50*time.Millisecond)
	return got
}

// waitConsumerDone waits until a consumer has delivered and had acked or
// terminated every message of its stream: nothing pending, the ack floor
// at the stream's last sequence.
func waitConsumerDone(t *testing.T, js jetstream.JetStream, stream, consumer string, within time.Duration) {
	t.Helper()
	ctx := context.Background()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		s, err := js.Stream(ctx, stream)
		require.NoError(c, err)
		cons, err := js.Consumer(ctx, stream, consumer)
		require.NoError(c, err)
		info, err := cons.Info(ctx)
		require.NoError(c, err)
		assert.Zero(c, info.NumAckPending, "ack pending")
		assert.Zero(c, info.NumPending, "pending")
		assert.Equal(c, s.CachedInfo().State.LastSeq, info.AckFloor.Stream, "ack floor")
	}, within, 50*time.Millisecond, "%s: every message acked or terminated", consumer)
}

// clock is real time plus an offset a test moves forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }
