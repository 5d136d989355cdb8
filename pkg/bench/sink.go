package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/table"
)

// SinkResult is one sink throughput run: the sink and, measured in the same
// run on the same messages, the two limits it cannot beat.
type SinkResult struct {
	// Events is how many messages each of the three measurements moved.
	Events int `json:"events"`
	// Batch is the batch size of all three: pull size and rows per insert.
	Batch int `json:"batch"`
	// RawJetStream is messages/s consumed from a pull consumer whose handler
	// only acks, from the first message to the last ack.
	RawJetStream float64 `json:"raw_jetstream_eps"`
	// RawClickHouse is rows/s inserted with clickhouse-go batches and no
	// NATS, rows built beforehand.
	RawClickHouse float64 `json:"raw_clickhouse_rps"`
	// Sink is events/s from CW_EVENTS to rows visible in the tables, from
	// sink start until the last row shows.
	Sink float64 `json:"sink_eps"`
	// Ratio is Sink / min(RawJetStream, RawClickHouse).
	Ratio float64 `json:"sink_ratio"`
}

// pollInterval is how often the sink measurement counts visible rows.
const pollInterval = 20 * time.Millisecond

// SinkThroughput measures, on the n messages of Events(n, 1) and with batch
// messages per pull and rows per insert: raw JetStream consumption on a
// stream of its own, raw clickhouse-go inserts into copies of the tables,
// then the sink from CW_EVENTS into env.Database. The sink part counts
// visible rows, so env's CW_EVENTS should hold no other unstored messages
// and nothing else should write to env.Database meanwhile. It removes the
// stream, tables and consumers it created. It fails if n or batch is not
// positive, a server refuses a step, or ctx ends first.
func SinkThroughput(ctx context.Context, env Env, n int, batch int) (SinkResult, error) {
	if n < 1 || batch < 1 {
		return SinkResult{}, fmt.Errorf("sink throughput: n %d and batch %d must be positive", n, batch)
	}
	events := Events(n, 1)
	msgs := make([]*nats.Msg, len(events))
	for i, ev := range events {
		data, err := event.Marshal(ev)
		if err != nil {
			return SinkResult{}, err
		}
		msgs[i] = &nats.Msg{Subject: ev.Subject(), Data: data, Header: nats.Header{jetstream.MsgIDHeader: []string{ev.Header().ID}}}
	}
	res := SinkResult{Events: n, Batch: batch}
	var err error
	if res.RawJetStream, err = rawJetStream(ctx, env, msgs, batch); err != nil {
		return res, fmt.Errorf("raw jetstream: %w", err)
	}
	env.Log.Debug().Float64("eps", res.RawJetStream).Msg("raw jetstream measured")
	if res.RawClickHouse, err = rawClickHouse(ctx, env, events, batch); err != nil {
		return res, fmt.Errorf("raw clickhouse: %w", err)
	}
	env.Log.Debug().Float64("rps", res.RawClickHouse).Msg("raw clickhouse measured")
	if res.Sink, err = sinkEndToEnd(ctx, env, msgs, batch); err != nil {
		return res, fmt.Errorf("sink: %w", err)
	}
	env.Log.Debug().Float64("eps", res.Sink).Msg("sink measured")
	res.Ratio = res.Sink / min(res.RawJetStream, res.RawClickHouse)
	return res, nil
}

// runID names what one run creates, so runs never share state.
func runID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// publishAll publishes msgs asynchronously, a window at a time, and waits
// for every ack.
func publishAll(ctx context.Context, js jetstream.JetStream, msgs []*nats.Msg) error {
	w := natsfx.NewPublishWindow[struct{}](js, 2000, nil)
	for _, m := range msgs {
		if _, err := w.Publish(ctx, m, struct{}{}); err != nil {
			return err
		}
	}
	return w.Flush(ctx)
}

// rawJetStream copies msgs into a stream of its own, consumes them with a
// handler that only acks, and returns messages/s.
func rawJetStream(ctx context.Context, env Env, msgs []*nats.Msg, batch int) (float64, error) {
	nc, err := nats.Connect(env.NATSURL)
	if err != nil {
		return 0, fmt.Errorf("connect nats: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, fmt.Errorf("jetstream context: %w", err)
	}
	id := runID()
	cfg := natsfx.StreamConfigs(natsfx.DefaultConfig().Streams)[0]
	cfg.Name, cfg.Subjects = "BENCH_RAW_"+id, []string{"bench." + id + ".>"}
	cfg.Description = "carrywatch bench: raw consumption"
	stream, err := js.CreateStream(ctx, cfg)
	if err != nil {
		return 0, fmt.Errorf("create stream %s: %w", cfg.Name, err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = js.DeleteStream(dctx, cfg.Name)
	}()
	copies := make([]*nats.Msg, len(msgs))
	for i, m := range msgs {
		c := *m
		c.Subject = "bench." + id + "." + strings.TrimPrefix(m.Subject, "cw.events.")
		copies[i] = &c
	}
	if err := publishAll(ctx, js, copies); err != nil {
		return 0, err
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "raw",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		MaxDeliver:    -1,
		MaxAckPending: 5 * batch, // as the sink's consumers
	})
	if err != nil {
		return 0, fmt.Errorf("create consumer: %w", err)
	}
	var (
		count       atomic.Int64
		first, last time.Time
		done        = make(chan struct{})
		want        = int64(len(msgs))
	)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		if count.Load() == 0 {
			first = time.Now() // only the first call writes it; done publishes it
		}
		_ = m.Ack()
		if count.Add(1) == want {
			last = time.Now()
			close(done)
		}
	}, jetstream.PullMaxMessages(batch))
	if err != nil {
		return 0, fmt.Errorf("consume: %w", err)
	}
	defer cc.Stop()
	select {
	case <-done:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return rate(len(msgs), last.Sub(first)), nil
}

// rawClickHouse inserts the rows of events into copies of their tables in
// batches of batch rows, table by table, and returns rows/s. Rows are built
// before the clock starts: only PrepareBatch, Append and Send are timed.
func rawClickHouse(ctx context.Context, env Env, events []event.Event, batch int) (float64, error) {
	conn, err := chfx.Open(ctx, chfx.Config{Addr: []string{env.ClickHouseAddr}, Database: env.Database})
	if err != nil {
		return 0, err
	}
	defer func() { _ = conn.Close() }()
	d, err := chschema.DetectDialect(ctx, conn)
	if err != nil {
		return 0, err
	}
	// The rows the sink would insert (stream sequence 0), built by the
	// sink's own mapping.
	rows := map[*table.Spec][][]any{}
	for _, ev := range events {
		spec := table.For(ev.SchemaName())
		if spec == nil {
			return 0, fmt.Errorf("%s has no table", ev.SchemaName())
		}
		rows[spec] = append(rows[spec], spec.Values(ev, nil, 0, d))
	}
	id := runID()
	copyName := func(table string) string { return env.Database + ".bench_raw_" + id + "_" + table }
	for spec := range rows {
		t := spec.Name
		if err := conn.Exec(ctx, "CREATE TABLE "+copyName(t)+" AS "+env.Database+"."+t); err != nil {
			return 0, fmt.Errorf("copy table %s: %w", t, err)
		}
		defer func() {
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = conn.Exec(dctx, "DROP TABLE IF EXISTS "+copyName(t))
		}()
	}
	start := time.Now()
	for spec, rs := range rows {
		t := spec.Name
		query := "INSERT INTO " + copyName(t) + " (" + strings.Join(spec.Columns(), ", ") + ")"
		for lo := 0; lo < len(rs); lo += batch {
			if err := insertRows(ctx, conn, query, rs[lo:min(lo+batch, len(rs))]); err != nil {
				return 0, fmt.Errorf("insert %s: %w", t, err)
			}
		}
	}
	return rate(len(events), time.Since(start)), nil
}

func insertRows(ctx context.Context, conn driver.Conn, query string, rows [][]any) error {
	b, err := conn.PrepareBatch(ctx, query)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := b.Append(r...); err != nil {
			_ = b.Abort()
			return err
		}
	}
	return b.Send()
}

// sinkEndToEnd publishes msgs to CW_EVENTS, starts a sink with its own
// consumers and returns events/s from its start until every message shows
// in the tables.
func sinkEndToEnd(ctx context.Context, env Env, msgs []*nats.Msg, batch int) (float64, error) {
	ncfg := natsfx.DefaultConfig()
	ncfg.URL = env.NATSURL
	bus := natsfx.New(ncfg, env.Log)
	if err := bus.Start(ctx); err != nil {
		return 0, err
	}
	defer func() { _ = bus.Stop(context.Background()) }()
	ch := chfx.NewClient(chfx.Config{Addr: []string{env.ClickHouseAddr}, Database: env.Database}, env.Log)
	if err := ch.Start(ctx); err != nil {
		return 0, err
	}
	defer func() { _ = ch.Stop(context.Background()) }()

	count := visibleQuery(env.Database)
	var before uint64
	if err := ch.Conn().QueryRow(ctx, count).Scan(&before); err != nil {
		return 0, fmt.Errorf("count visible rows: %w", err)
	}
	if err := publishAll(ctx, bus.JetStream(), msgs); err != nil {
		return 0, err
	}

	cfg := sink.DefaultConfig()
	cfg.Consumer = "bench-" + runID()
	cfg.BatchMaxRows = batch
	s, err := sink.New(cfg, bus, ch, prometheus.NewRegistry(), env.Log)
	if err != nil {
		return 0, err
	}
	defer deleteConsumers(bus.JetStream(), cfg.Consumer)
	start := time.Now()
	if err := s.Start(ctx); err != nil {
		return 0, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Stop(sctx)
	}()
	want := before + uint64(len(msgs))
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		var got uint64
		if err := ch.Conn().QueryRow(ctx, count).Scan(&got); err != nil {
			return 0, fmt.Errorf("count visible rows: %w", err)
		}
		if got >= want {
			return rate(len(msgs), time.Since(start)), nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return 0, fmt.Errorf("%d of %d rows visible: %w", got-before, len(msgs), ctx.Err())
		}
	}
}

// visibleQuery counts the rows of every CW_EVENTS table in one query. It
// reads the tables, not the deduplicating v_ views: the messages are
// distinct, a plain count() is answered from part metadata, and a query
// that merged every row 50 times a second would slow the inserts it is
// measuring.
func visibleQuery(db string) string {
	var parts []string
	for _, spec := range []*table.Spec{table.JGBYields, table.FedOdds, table.ETFFlows, table.VenueStatus} {
		parts = append(parts, "(SELECT count() FROM "+db+"."+spec.Name+")")
	}
	return "SELECT " + strings.Join(parts, " + ")
}

// deleteConsumers removes the durable consumers a bench sink created.
func deleteConsumers(js jetstream.JetStream, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for stream, suffix := range map[string]string{
		natsfx.StreamEvents: "events", natsfx.StreamScores: "scores", natsfx.StreamDLQ: "dlq",
	} {
		_ = js.DeleteConsumer(ctx, stream, prefix+"-"+suffix) // best effort: absent if Start failed
	}
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		d = time.Nanosecond
	}
	return float64(n) / d.Seconds()
}
