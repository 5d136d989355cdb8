package bench

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// Every benchmark event makes the model publish, so every event is a sample.
func TestFreshnessEventsAlwaysPublish(t *testing.T) {
	gen := freshnessEvents{incident: "bench-test", base: time.Now().Add(-time.Hour).Truncate(time.Millisecond)}
	m := risk.NewModel(risk.DefaultCalibration())
	for i := range 2000 {
		ev := gen.event(i)
		data, err := event.Marshal(ev)
		require.NoError(t, err)
		parsed, err := event.Parse(data, time.Now())
		require.NoError(t, err, "event %d is valid", i)
		p, publish := m.Apply(parsed, uint64(i+1))
		require.True(t, publish, "event %d (%s) publishes", i, ev.Action)
		assert.Equal(t, uint64(i+1), p.Watermark.StreamSeq)
	}
}

func TestFreshnessWatermark(t *testing.T) {
	tests := []struct {
		name string
		data string
		want uint64
		ok   bool
	}{
		{name: "compact", data: `{"index":1,"watermark":{"stream_seq":4711,"event_time":"x"}}`, want: 4711, ok: true},
		{name: "spaced", data: `{"watermark": {"stream_seq": 12}}`, want: 12, ok: true},
		{name: "missing", data: `{"index":1}`},
		{name: "not a number", data: `{"watermark":{"stream_seq":"x"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := freshnessWatermark([]byte(tt.data))
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	// And on a real print.
	gen := freshnessEvents{incident: "bench-test", base: time.Now().Add(-time.Hour).Truncate(time.Millisecond)}
	p, _ := risk.NewModel(risk.DefaultCalibration()).Apply(gen.event(0), 987654)
	data, err := event.Marshal(p)
	require.NoError(t, err)
	got, ok := freshnessWatermark(data)
	assert.True(t, ok)
	assert.Equal(t, uint64(987654), got)
}

func TestFreshnessQuantiles(t *testing.T) {
	d := make([]time.Duration, 1000)
	for i := range d {
		d[len(d)-1-i] = time.Duration(i+1) * time.Microsecond
	}
	p50, p99, p999 := freshnessQuantiles(d)
	assert.Equal(t, 500.0, p50)
	assert.Equal(t, 990.0, p99)
	assert.Equal(t, 999.0, p999)
}

// Freshness at 1k events/s for 2 s against an in-process server.
func TestFreshness(t *testing.T) {
	ns := natstest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Freshness(ctx, Env{NATSURL: ns.URL, Log: zerolog.Nop()}, 1000, 2*time.Second)
	require.NoError(t, err)
	t.Logf("offered %d at %d/s, %d samples: p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs; "+
		"baseline p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs; latency_ratio %.2f",
		res.Offered, res.Rate, res.Samples, res.P50, res.P99, res.P999,
		res.BaselineP50, res.BaselineP99, res.BaselineP999, res.LatencyRatio)
	assert.Equal(t, 1000, res.Rate)
	assert.Equal(t, 2000, res.Offered)
	assert.Positive(t, res.Samples)
	assert.LessOrEqual(t, res.Samples, res.Offered)
	assert.LessOrEqual(t, res.P50, res.P99)
	assert.LessOrEqual(t, res.P99, res.P999)
	assert.Positive(t, res.P50)
	assert.LessOrEqual(t, res.BaselineP50, res.BaselineP99)
	assert.LessOrEqual(t, res.BaselineP99, res.BaselineP999)
	assert.Positive(t, res.BaselineP50)
	assert.Positive(t, res.LatencyRatio)
}

func TestFreshnessRejectsNoEvents(t *testing.T) {
	_, err := Freshness(context.Background(), Env{}, 0, time.Second)
	assert.Error(t, err)
	_, err = Freshness(context.Background(), Env{}, 1000, 0)
	assert.Error(t, err)
}
