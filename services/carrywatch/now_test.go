package main

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// streamEvents returns every message of CW_EVENTS, parsed and validated.
func streamEvents(t *testing.T, js jetstream.JetStream) []event.Event {
	t.Helper()
	ctx := context.Background()
	s, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	var out []event.Event
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		msg, err := s.GetMsg(ctx, seq)
		require.NoError(t, err)
		ev, err := event.Parse(msg.Data, time.Now())
		require.NoError(t, err, "stored message %d", seq)
		out = append(out, ev)
	}
	return out
}

// assertNow checks that a time a command defaulted to "now" lies between
// before and after, at the millisecond precision of the wire.
func assertNow(t *testing.T, field string, got, before, after time.Time) {
	t.Helper()
	assert.Equal(t, event.Millis(got), got, "%s has millisecond precision", field)
	assert.False(t, got.Before(event.Millis(before)), "%s %s is before the command ran (%s)", field, got, before)
	assert.False(t, got.After(after), "%s %s is after the command ran (%s)", field, got, after)
}

// An operator declares a halt as it happens, without --at: open, update and
// resolve each take the time they run, and every event is stored.
func TestOutageWithoutAtIsNow(t *testing.T) {
	_, js := cliNATS(t)
	ctx := context.Background()

	before := time.Now()
	out, _, err := run(t, ctx, "outage", "open", "--venue", "cme", "--severity", "halt", "--title", "Globex halted")
	require.NoError(t, err)
	assert.Contains(t, out, "cw.events.venue.status.cme open incident=cme-")
	_, _, err = run(t, ctx, "outage", "update", "--venue", "cme", "--title", "EBS reopened")
	require.NoError(t, err)
	_, _, err = run(t, ctx, "outage", "resolve", "--venue", "cme")
	require.NoError(t, err)
	after := time.Now()

	stored := streamEvents(t, js)
	require.Len(t, stored, 3)
	var got []*event.VenueStatus
	for _, ev := range stored {
		got = append(got, ev.(*event.VenueStatus))
	}
	open, update, resolve := got[0], got[1], got[2]
	assert.Equal(t, []string{"open", "update", "resolve"}, []string{open.Action, update.Action, resolve.Action})
	assertNow(t, "open observed_at", open.ObservedAt, before, after)
	assert.Equal(t, open.ObservedAt, open.StartedAt, "the incident starts when it is opened")
	assert.Equal(t, "cme-"+open.StartedAt.Format("20060102T1504Z"), open.IncidentID)
	for _, ev := range []*event.VenueStatus{update, resolve} {
		assertNow(t, ev.Action+" observed_at", ev.ObservedAt, before, after)
		assert.Equal(t, open.StartedAt, ev.StartedAt, "%s keeps the incident's start", ev.Action)
		assert.Equal(t, open.IncidentID, ev.IncidentID)
	}
	require.NotNil(t, resolve.ResolvedAt)
	assert.Equal(t, resolve.ObservedAt, *resolve.ResolvedAt, "resolved when resolve ran")
}

// --at accepts RFC 3339 with a fraction of a second; the wire keeps
// milliseconds, and started_at and resolved_at with it.
func TestOutageAtWithSubMillisecondFraction(t *testing.T) {
	_, js := cliNATS(t)
	ctx := context.Background()

	_, _, err := run(t, ctx, "outage", "open", "--venue", "cme", "--severity", "halt", "--at", "2025-11-28T02:40:00.123456789Z")
	require.NoError(t, err)
	_, _, err = run(t, ctx, "outage", "resolve", "--venue", "cme", "--at", "2025-11-28T13:30:00.987654321Z")
	require.NoError(t, err)

	stored := streamEvents(t, js)
	require.Len(t, stored, 2)
	open, resolve := stored[0].(*event.VenueStatus), stored[1].(*event.VenueStatus)
	started := time.Date(2025, 11, 28, 2, 40, 0, 123_000_000, time.UTC)
	assert.Equal(t, started, open.ObservedAt)
	assert.Equal(t, started, open.StartedAt)
	assert.Equal(t, started, resolve.StartedAt)
	require.NotNil(t, resolve.ResolvedAt)
	assert.Equal(t, time.Date(2025, 11, 28, 13, 30, 0, 987_000_000, time.UTC), *resolve.ResolvedAt)
}

// publish --schema without --at observes the event now.
func TestPublishFromFlagsWithoutAtIsNow(t *testing.T) {
	_, js := cliNATS(t)

	before := time.Now()
	_, _, err := run(t, context.Background(), "publish", "--schema", event.SchemaJGBYield,
		"--set", "tenor=10Y", "--set", "yield_pct=1.881")
	require.NoError(t, err)
	after := time.Now()

	stored := streamEvents(t, js)
	require.Len(t, stored, 1)
	y := stored[0].(*event.JGBYield)
	assertNow(t, "observed_at", y.ObservedAt, before, after)
	assertNow(t, "ingested_at", y.IngestedAt, before, after)
	assert.Equal(t, "manual", y.Source)
	assert.Equal(t, 1.881, y.YieldPct)
}

// A source whose body carries no time (Binance's system status) is
// observed when backfill reads it.
func TestFeedBackfillOfATimelessBodyIsNow(t *testing.T) {
	_, js := cliNATS(t)

	before := time.Now()
	out, _, err := run(t, context.Background(), "feed", "backfill", "--format", "binance-status",
		"../../pkg/feed/outages/testdata/binance/maintenance.json")
	require.NoError(t, err)
	after := time.Now()
	assert.JSONEq(t, `{"parsed":1,"published":1,"duplicates":0}`, out)

	stored := streamEvents(t, js)
	require.Len(t, stored, 1)
	vs := stored[0].(*event.VenueStatus)
	assert.Equal(t, event.ActionOpen, vs.Action)
	assertNow(t, "observed_at", vs.ObservedAt, before, after)
	assert.Equal(t, vs.ObservedAt, vs.StartedAt)
}
