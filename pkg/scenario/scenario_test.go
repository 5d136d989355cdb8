package scenario_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestSmokeCoversEveryInputKindAndOneInvalidLine(t *testing.T) {
	data, err := scenario.Load("smoke")
	require.NoError(t, err)
	sc, err := scenario.Parse(data, now)
	require.NoError(t, err)

	kinds := map[string]int{}
	for _, ev := range sc.Events {
		kinds[ev.SchemaName()]++
		require.NoError(t, ev.Validate(now))
	}
	assert.Equal(t, map[string]int{event.SchemaJGBYield: 8, event.SchemaFedOdds: 3, event.SchemaETFFlow: 4, event.SchemaVenueStatus: 2}, kinds)
	require.Len(t, sc.Rejected, 1)
	assert.Equal(t, 9, sc.Rejected[0].Line)
	assert.ErrorIs(t, sc.Rejected[0].Err, event.ErrOutOfRange)
	for i := 1; i < len(sc.Events); i++ {
		assert.False(t, sc.Events[i].Header().ObservedAt.Before(sc.Events[i-1].Header().ObservedAt), "event-time order at %d", i)
	}
	first := sc.Events[0].(*event.ETFFlow)
	assert.Equal(t, -128100000.0, first.FlowUSD, "earliest event first: 4 Nov ETF flows")
}

func TestParse(t *testing.T) {
	valid := `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}`
	tests := []struct {
		name     string
		input    string
		events   int
		rejected error
	}{
		{name: "valid line gets its id", input: valid, events: 1},
		{name: "blank and comment lines skipped", input: "\n# note\n" + valid + "\n\n", events: 1},
		{name: "missing value is not zero", input: `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y"}`, rejected: event.ErrMissing},
		{name: "malformed json", input: `{"schema":`, rejected: event.ErrMalformed},
		{name: "unknown schema", input: `{"schema":"cw.nope/v1"}`, rejected: event.ErrUnknownSchema},
		{name: "wrong id", input: `{"schema":"cw.jgb.yield/v1","id":"00000000000000000000000000000000","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}`, rejected: event.ErrBadID},
		{name: "future", input: `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2027-01-01T00:00:00Z","tenor":"10Y","yield_pct":1.881}`, rejected: event.ErrFutureTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := scenario.Parse([]byte(tt.input), now)
			require.NoError(t, err)
			assert.Len(t, sc.Events, tt.events)
			if tt.rejected == nil {
				assert.Empty(t, sc.Rejected)
				want := event.NewID("mof", "10Y", time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC))
				assert.Equal(t, want, sc.Events[0].Header().ID)
				return
			}
			require.Len(t, sc.Rejected, 1)
			assert.ErrorIs(t, sc.Rejected[0].Err, tt.rejected)
		})
	}
}

func TestLoadUnknownScenario(t *testing.T) {
	_, err := scenario.Load("no-such-scenario")
	assert.True(t, errors.Is(err, scenario.ErrUnknownScenario), err)
	assert.Contains(t, err.Error(), "smoke")
}

func TestPlayPublishesOnceAndDeadLettersRejects(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	data, err := scenario.Load("smoke")
	require.NoError(t, err)
	sc, err := scenario.Parse(data, now)
	require.NoError(t, err)
	p := &scenario.Player{JS: js, Speed: 0, Log: zerolog.New(io.Discard), Now: func() time.Time { return now }}
	ctx := context.Background()

	res, err := p.Play(ctx, sc)
	require.NoError(t, err)
	assert.Equal(t, 17, res.Published)
	assert.Equal(t, 0, res.Duplicates)
	assert.Equal(t, 1, res.DeadLetters)

	again, err := p.Play(ctx, sc)
	require.NoError(t, err)
	assert.Equal(t, 17, again.Duplicates, "a replay is de-duplicated by Nats-Msg-Id")
	assert.Equal(t, res.DeadLetterIDs, again.DeadLetterIDs, "a replay records its dead letters once")

	events, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	assert.Equal(t, uint64(17), events.CachedInfo().State.Msgs)
	dlq, err := js.Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	msg, err := dlq.GetLastMsgForSubject(ctx, "cw.dlq.replay")
	require.NoError(t, err)
	dl, err := event.Parse(msg.Data, now)
	require.NoError(t, err)
	assert.Equal(t, sc.Rejected[0].Raw, dl.(*event.DeadLetter).Payload)
	assert.Equal(t, "out_of_range", dl.(*event.DeadLetter).Code)
}

// A play with heartbeats counts them apart from the events, and the two
// together are what it added to CW_EVENTS.
func TestPlayCountsHeartbeatsApart(t *testing.T) {
	js, sc := playable(t, `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:05:00Z","tenor":"10Y","yield_pct":1.881}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:35:00Z","tenor":"10Y","yield_pct":1.9}`)
	p := &scenario.Player{JS: js, Speed: 0, Heartbeat: 10 * time.Minute, Log: zerolog.New(io.Discard)}
	ctx := context.Background()

	res, err := p.Play(ctx, sc)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Published)
	assert.Equal(t, 3, res.Heartbeats, "06:10, 06:20 and 06:30")
	assert.Equal(t, map[string]int{event.SchemaJGBYield: 2}, res.ByKind, "heartbeats are no kind of event")
	assert.Equal(t, uint64(2), res.Seqs.Len(), "the rows of the play are the events'")

	events, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	assert.Equal(t, uint64(res.Published+res.Heartbeats), events.CachedInfo().State.Msgs)
	hb, err := events.GetLastMsgForSubject(ctx, event.SubjectHeartbeat)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), hb.Sequence, "the last heartbeat, 06:30, is the fourth message")
}

func TestPlayPacesByEventTime(t *testing.T) {
	js, sc := playable(t, `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:01Z","tenor":"10Y","yield_pct":1.882}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:01Z","tenor":"2Y","yield_pct":1.02}`)
	waits := recordWaits{}
	p := &scenario.Player{JS: js, Speed: 4, Log: zerolog.New(io.Discard), Wait: waits.wait}
	res, err := p.Play(context.Background(), sc)
	require.NoError(t, err)
	assert.Equal(t, 3, res.Published)
	assert.Equal(t, []time.Duration{250 * time.Millisecond}, waits.d, "1 s of event time at speed 4 is 250 ms; events at the same instant go out together")
}

func TestPlayCapsQuietStretches(t *testing.T) {
	js, sc := playable(t, `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-10-01T06:00:00Z","tenor":"10Y","yield_pct":1.6}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}`)
	waits := recordWaits{}
	p := &scenario.Player{JS: js, Speed: 1, MaxGap: time.Millisecond, Log: zerolog.New(io.Discard), Wait: waits.wait}
	res, err := p.Play(context.Background(), sc)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Published)
	assert.Equal(t, []time.Duration{time.Millisecond}, waits.d, "two months of event time at speed 1, capped to 1 ms")
}

// TestPlayStopsWaitingWhenCancelled: a wait that ends with the context's
// error ends the play with it.
func TestPlayStopsWaitingWhenCancelled(t *testing.T) {
	js, sc := playable(t, `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-02T06:00:00Z","tenor":"10Y","yield_pct":1.9}`)
	ctx, cancel := context.WithCancel(context.Background())
	p := &scenario.Player{JS: js, Speed: 1, Log: zerolog.New(io.Discard), Wait: func(ctx context.Context, _ time.Duration) error {
		cancel()
		return ctx.Err()
	}}
	_, err := p.Play(ctx, sc)
	assert.ErrorIs(t, err, context.Canceled)
}

// playable starts a NATS server with the streams and parses a scenario of
// lines for a Player to publish there.
func playable(t *testing.T, lines string) (jetstream.JetStream, *scenario.Scenario) {
	t.Helper()
	js := natstest.New(t).Streams(t)
	sc, err := scenario.Parse([]byte(lines), now)
	require.NoError(t, err)
	return js, sc
}

// recordWaits is a Player.Wait that records each wait and returns at once.
type recordWaits struct{ d []time.Duration }

func (r *recordWaits) wait(_ context.Context, d time.Duration) error {
	r.d = append(r.d, d)
	return nil
}

func TestWithHeartbeatsFillsQuietStretches(t *testing.T) {
	sc, err := scenario.Parse([]byte(
		`{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:05:00Z","tenor":"10Y","yield_pct":1.881}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:35:00Z","tenor":"10Y","yield_pct":1.9}`), now)
	require.NoError(t, err)
	got := scenario.WithHeartbeats(sc.Events, 10*time.Minute)
	var kinds []string
	for _, ev := range got {
		kinds = append(kinds, ev.SchemaName()+"@"+ev.Header().ObservedAt.Format("15:04"))
		require.NoError(t, ev.Validate(now))
	}
	assert.Equal(t, []string{"cw.jgb.yield/v1@06:05", "cw.heartbeat/v1@06:10", "cw.heartbeat/v1@06:20",
		"cw.heartbeat/v1@06:30", "cw.jgb.yield/v1@06:35"}, kinds)
	assert.Equal(t, got[1].Header().ID, scenario.NewHeartbeat(scenario.HeartbeatSource, got[1].Header().ObservedAt).ID,
		"the same instant gives the same heartbeat id")
	assert.Equal(t, sc.Events, scenario.WithHeartbeats(sc.Events, 0))
}

// Progress hears the acknowledged count after every window of publishes
// and once at the end.
func TestPlayReportsProgress(t *testing.T) {
	ns := natstest.New(t)
	js := ns.Streams(t)
	sc, err := scenario.Open("synthetic:2500", now)
	require.NoError(t, err)
	var got []int
	p := &scenario.Player{JS: js, Speed: 0, Log: zerolog.New(io.Discard), Progress: func(n int) { got = append(got, n) }}
	res, err := p.Play(context.Background(), sc)
	require.NoError(t, err)
	assert.Equal(t, 2500, res.Published)
	assert.Equal(t, []int{1000, 2000, 2500}, got)
}
