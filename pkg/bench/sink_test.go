package bench_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/bench"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/table"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

func newEnv(t testing.TB) bench.Env {
	t.Helper()
	db := chtest.New(t)
	ns := natstest.New(t)
	return bench.Env{NATSURL: ns.URL, ClickHouseAddr: db.Addr, Database: db.Database, Log: logtest.Quiet()}
}

func TestEvents(t *testing.T) {
	evs := bench.Events(2000, 1)
	require.Len(t, evs, 2000)
	assert.Equal(t, evs, bench.Events(2000, 1), "same seed, same events")
	kinds := map[string]int{}
	ids := map[string]bool{}
	now := time.Now()
	for _, ev := range evs {
		data, err := event.Marshal(ev)
		require.NoError(t, err)
		_, err = event.Parse(data, now)
		require.NoError(t, err, "%s", data)
		kinds[ev.SchemaName()]++
		ids[ev.Header().ID] = true
	}
	assert.Len(t, ids, len(evs), "ids are distinct")
	for _, s := range []string{event.SchemaJGBYield, event.SchemaFedOdds, event.SchemaETFFlow, event.SchemaVenueStatus} {
		assert.Greater(t, kinds[s], 100, s)
	}
}

func TestSinkThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("20000 events through NATS and ClickHouse three times")
	}
	env := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := bench.SinkThroughput(ctx, env, 20000, 1000)
	require.NoError(t, err)
	t.Logf("events=%d batch=%d raw_jetstream=%.0f/s raw_clickhouse=%.0f/s sink=%.0f/s sink_ratio=%.3f",
		res.Events, res.Batch, res.RawJetStream, res.RawClickHouse, res.Sink, res.Ratio)
	assert.Equal(t, 20000, res.Events)
	assert.Positive(t, res.RawJetStream)
	assert.Positive(t, res.RawClickHouse)
	assert.Positive(t, res.Sink)
	assert.Greater(t, res.Ratio, 0.0)
	assert.LessOrEqual(t, res.Ratio, 1.5)
}

// BenchmarkSinkDecode is the sink's per-message CPU cost before batching:
// event.Parse (decode, schema field check, validation) over the Events mix.
func BenchmarkSinkDecode(b *testing.B) {
	evs := bench.Events(4096, 1)
	data := make([][]byte, len(evs))
	for i, ev := range evs {
		var err error
		data[i], err = event.Marshal(ev)
		require.NoError(b, err)
	}
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := event.Parse(data[i%len(data)], now); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSinkAppend is the insert hot path: one clickhouse-go
// batch.Append per jgb_yields row (the most frequent kind), a batch of 1000
// rows sent at a time; ns/op is per row, Send included.
func BenchmarkSinkAppend(b *testing.B) {
	db := chtest.New(b)
	ctx := context.Background()
	query := table.JGBYields.InsertSQL(db.Database)
	var rows [][]any
	for _, ev := range bench.Events(4096, 1) {
		if ev.SchemaName() == event.SchemaJGBYield {
			rows = append(rows, table.JGBYields.Values(ev, nil, uint64(len(rows)), db.Dialect))
		}
	}
	const batch = 1000
	b.ReportAllocs()
	bt, err := db.Conn.PrepareBatch(ctx, query)
	require.NoError(b, err)
	n := 0
	for b.Loop() {
		if err := bt.Append(rows[n%len(rows)]...); err != nil {
			b.Fatal(err)
		}
		if n++; n%batch == 0 {
			require.NoError(b, bt.Send())
			bt, err = db.Conn.PrepareBatch(ctx, query)
			require.NoError(b, err)
		}
	}
	require.NoError(b, bt.Send())
}
