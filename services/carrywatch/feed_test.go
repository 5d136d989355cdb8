package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// The MoF current-month file of December 2025, as published (Shift_JIS).
const mofFile = "../../pkg/feed/jgb/testdata/jgbcm_current_month_cp932.csv"

func TestFeedParsePrintsEveryObservation(t *testing.T) {
	out, _, err := run(t, context.Background(), "feed", "parse", "--format", "mof-jgb", mofFile)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3*15, "3 business days × 15 tenors")
	got := map[string]float64{}
	for _, l := range lines {
		ev, err := event.Parse([]byte(l), time.Now())
		require.NoError(t, err, l)
		y := ev.(*event.JGBYield)
		got[y.ObservedAt.Format(time.DateOnly)+" "+y.Tenor] = y.YieldPct
	}
	assert.Equal(t, 1.02, got["2025-12-01 2Y"])
	assert.Equal(t, 1.881, got["2025-12-01 10Y"])
	assert.Equal(t, 1.864, got["2025-12-02 10Y"])
}

func TestFeedParseRejectsInvalidInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "error.html")
	require.NoError(t, os.WriteFile(bad, []byte("<html><body>403 Forbidden</body></html>"), 0o600))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "garbage body", args: []string{"feed", "parse", "--format", "mof-jgb", bad}, want: "is not valid mof-jgb"},
		{name: "unknown format", args: []string{"feed", "parse", "--format", "nope", bad}, want: `unknown format "nope"`},
		{name: "missing file", args: []string{"feed", "parse", "--format", "mof-jgb", bad + ".missing"}, want: "no such file"},
		{name: "bad param", args: []string{"feed", "parse", "--format", "mof-jgb", "--param", "colour=red", mofFile}, want: "colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, context.Background(), tt.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, out, "nothing printed for invalid input")
		})
	}
}

func TestFeedBackfillIsIdempotent(t *testing.T) {
	_, js := cliNATS(t)
	ctx := context.Background()

	out, _, err := run(t, ctx, "feed", "backfill", "--format", "mof-jgb", mofFile)
	require.NoError(t, err)
	assert.JSONEq(t, `{"parsed":45,"published":45,"duplicates":0}`, out)
	out, _, err = run(t, ctx, "feed", "backfill", "--format", "mof-jgb", mofFile)
	require.NoError(t, err)
	assert.JSONEq(t, `{"parsed":45,"published":45,"duplicates":45}`, out)

	s, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	assert.Equal(t, uint64(45), s.CachedInfo().State.Msgs)
}

// The CME halt of 28 Nov 2025 declared by hand: open, update, resolve.
func TestOutageLifecycle(t *testing.T) {
	_, js := cliNATS(t)
	ctx := context.Background()

	_, _, err := run(t, ctx, "outage", "resolve", "--venue", "CME")
	require.ErrorIs(t, err, errNoOpenIncident)

	out, _, err := run(t, ctx, "outage", "open", "--venue", "CME", "--severity", "halt",
		"--title", "Globex halted: data-centre cooling failure", "--components", "Globex,EBS", "--at", "2025-11-28T02:40:00Z")
	require.NoError(t, err)
	assert.Contains(t, out, "cw.events.venue.status.cme open incident=cme-20251128T0240Z severity=halt")
	_, _, err = run(t, ctx, "outage", "update", "--venue", "cme", "--title", "EBS reopened", "--at", "2025-11-28T12:00:00Z")
	require.NoError(t, err)
	_, _, err = run(t, ctx, "outage", "resolve", "--venue", "cme", "--at", "2025-11-28T13:30:00Z")
	require.NoError(t, err)
	_, _, err = run(t, ctx, "outage", "resolve", "--venue", "cme")
	require.ErrorIs(t, err, errNoOpenIncident, "a resolved incident cannot be resolved again")
	_, _, err = run(t, ctx, "outage", "open", "--venue", "cme", "--severity", "catastrophic")
	require.ErrorContains(t, err, "severity")

	s, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	require.Equal(t, uint64(3), s.CachedInfo().State.Msgs)
	var got []*event.VenueStatus
	for seq := uint64(1); seq <= 3; seq++ {
		msg, err := s.GetMsg(ctx, seq)
		require.NoError(t, err)
		ev, err := event.Parse(msg.Data, time.Now())
		require.NoError(t, err)
		got = append(got, ev.(*event.VenueStatus))
	}
	started := time.Date(2025, 11, 28, 2, 40, 0, 0, time.UTC)
	resolved := time.Date(2025, 11, 28, 13, 30, 0, 0, time.UTC)
	for i, action := range []string{"open", "update", "resolve"} {
		assert.Equal(t, action, got[i].Action)
		assert.Equal(t, "cme-20251128T0240Z", got[i].IncidentID)
		assert.Equal(t, started, got[i].StartedAt)
		assert.Equal(t, "halt", got[i].Severity)
		assert.Equal(t, []string{"Globex", "EBS"}, got[i].Components)
	}
	assert.Equal(t, "EBS reopened", got[1].Title)
	require.NotNil(t, got[2].ResolvedAt)
	assert.Equal(t, resolved, *got[2].ResolvedAt)
}

// up --scenario nov-2025 stores every event of the episode, and a backtest
// of the stored history gives the prints of a backtest of the file.
func TestUpReplaysNov2025AndTheStoreBacktestsAlike(t *testing.T) {
	db, _ := upEnv(t, "warn")
	t.Setenv("CW_FEED_CONFIG", "")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, stderr, err := run(t, ctx, "up", "--scenario", "nov-2025", "--speed", "0", "--exit-when-done", "--timeout", "1m",
		"--data-dir", t.TempDir(), "--nats-listen", "127.0.0.1:-1", "--http-addr", "", "--web-addr", "")
	require.NoError(t, err, stderr)
	var rep report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "nov-2025", rep.Scenario)
	assert.Equal(t, 285, rep.Stored)
	assert.Equal(t, map[string]int{"jgb_yields": 164, "fed_odds": 15, "etf_flows": 19, "venue_status": 3, "market_quotes": 84}, rep.ByTable)
	assert.Positive(t, rep.Scores, "the scorer printed")
	require.NotNil(t, rep.LastPrint)
	assert.Equal(t, 2025, rep.LastPrint.EventTime.Year())
	assert.True(t, rep.Complete)
	var stored uint64
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT count() FROM "+db.Database+".v_risk_scores WHERE id = ?", rep.LastPrint.ID).Scan(&stored))
	assert.Equal(t, uint64(1), stored, "the last print is stored in risk_scores")

	// Back-testing the stored history gives the prints of back-testing the
	// scenario file: ClickHouse gives back every event exactly.
	dir := t.TempDir()
	_, _, err = run(t, ctx, "backtest", "--scenario", "nov-2025", "--csv", filepath.Join(dir, "file.csv"))
	require.NoError(t, err)
	out, _, err = run(t, ctx, "backtest", "--from-clickhouse", "--from", "2025-10-01", "--to", "2026-01-01",
		"--csv", filepath.Join(dir, "stored.csv"))
	require.NoError(t, err)
	assert.Contains(t, out, `"events":285`)
	fromFile, err := os.ReadFile(filepath.Join(dir, "file.csv"))
	require.NoError(t, err)
	fromStore, err := os.ReadFile(filepath.Join(dir, "stored.csv"))
	require.NoError(t, err)
	assert.Equal(t, string(fromFile), string(fromStore))
}
