package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// run executes the CLI in-process and returns stdout and the error.
func run(t *testing.T, ctx context.Context, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := newRootCmd(&stdout, &stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return stdout.String(), stderr.String(), err
}

// cliNATS starts a NATS server holding the CW_* streams and points the
// commands at it (CW_NATS_URL); it returns the server and a JetStream
// connection to it.
func cliNATS(t *testing.T) (*natstest.Server, jetstream.JetStream) {
	t.Helper()
	ns := natstest.New(t)
	js := ns.Streams(t)
	t.Setenv("CW_NATS_URL", ns.URL)
	return ns, js
}

func TestUpSmokeScenario(t *testing.T) {
	db, _ := upEnv(t, envOr("CW_TEST_LOG_LEVEL", "warn"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	out, stderr, err := run(t, ctx, "up", "--scenario", "smoke", "--speed", "0", "--exit-when-done",
		"--data-dir", t.TempDir(), "--nats-listen", "127.0.0.1:-1", "--http-addr", "127.0.0.1:0", "--web-addr", "127.0.0.1:0", "--timeout", "1m")
	require.NoError(t, err, stderr)
	// The ready block names the ops endpoint's bound port, not the :0 asked for.
	assert.Regexp(t, `ops +http://127\.0\.0\.1:[1-9][0-9]*/readyz`, stderr)
	assert.Contains(t, stderr, "page         http://127.0.0.1:", "the ready block gives the page's URL")
	assert.Contains(t, stderr, "data         replay of smoke, offline, in a store of its own under", "the ready block says it is a replay")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 1, "exactly one JSON line on stdout: %q", out)
	var rep report
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &rep))
	assert.Equal(t, 17, rep.Published)
	assert.Equal(t, 17, rep.Stored)
	assert.Equal(t, 1, rep.DeadLetters)
	assert.True(t, rep.Complete)
	// The heartbeats every 10 minutes of event time between the first and
	// the last event: published, in no table, each input at most one print.
	sc, err := scenario.Open("smoke", time.Now())
	require.NoError(t, err)
	heartbeats := 0
	for ev := range scenario.Heartbeats(sc.All(), replayHeartbeat) {
		if ev.SchemaName() == event.SchemaHeartbeat {
			heartbeats++
		}
	}
	require.Positive(t, heartbeats)
	assert.Equal(t, heartbeats, rep.Heartbeats)
	assert.Equal(t, rep.Published-rep.Duplicates, rep.Stored, "every distinct event stored once, no heartbeat")
	assert.Positive(t, rep.Scores)
	assert.LessOrEqual(t, rep.Scores, rep.Published+rep.Heartbeats, "at most one print per input")
	assert.Equal(t, map[string]int{"jgb_yields": 8, "fed_odds": 3, "etf_flows": 4, "venue_status": 2}, rep.ByTable)
	// up scores with the default model, clri-v2, and its shipped calibration.
	require.NotNil(t, rep.LastPrint, "the replay's last print")
	v2, err := risk.CalibrationFor(risk.ModelVersionV2)
	require.NoError(t, err)
	assert.Equal(t, "clri-v2", rep.LastPrint.ModelVersion)
	assert.Equal(t, v2.Hash(), rep.LastPrint.CalibrationHash)
	var versions []string
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT arraySort(groupUniqArray(model_version)) FROM "+db.Database+".v_risk_scores").Scan(&versions))
	assert.Equal(t, []string{"clri-v2"}, versions, "every stored print")

	var reason string
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT reason FROM "+db.Database+".v_dead_letters WHERE stage = 'replay'").Scan(&reason))
	assert.Contains(t, reason, "yield_pct: value out of range: 186.4")
}

func TestUpWithoutClickHouseSaysHowToInstall(t *testing.T) {
	t.Setenv("CW_CLICKHOUSE_ADDR", "")
	t.Setenv("CW_CLICKHOUSE_BINARY", t.TempDir()+"/clickhouse")
	_, _, err := run(t, context.Background(), "up", "--data-dir", t.TempDir(), "--nats-listen", "127.0.0.1:-1", "--http-addr", "", "--web-addr", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "apt-get install -y clickhouse-server")
	assert.Contains(t, err.Error(), "CW_CLICKHOUSE_ADDR")
}

func TestPublishValidatesBeforeSending(t *testing.T) {
	_, js := cliNATS(t)
	ctx := context.Background()

	out, _, err := run(t, ctx, "publish", "--schema", event.SchemaJGBYield, "--source", "manual",
		"--at", "2025-12-01T06:00:00Z", "--set", "tenor=10Y", "--set", "yield_pct=1.881")
	require.NoError(t, err)
	want := event.NewID("manual", "10Y", time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC))
	assert.Equal(t, "cw.events.jgb.yield.10Y "+want+" stream=CW_EVENTS seq=1 duplicate=false\n", out)

	_, _, err = run(t, ctx, "publish", `{"schema":"cw.jgb.yield/v1","source":"manual","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1881}`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "yield_pct: value out of range")

	st, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), st.CachedInfo().State.Msgs, "the invalid event was not sent")
}

// A market quote built from flags, units with spaces included; a USDJPY
// in the wrong unit's range is refused before sending.
func TestPublishMarketQuote(t *testing.T) {
	cliNATS(t)
	ctx := context.Background()

	out, _, err := run(t, ctx, "publish", "--schema", event.SchemaMarketQuote, "--source", "manual",
		"--at", "2024-08-05T06:00:00Z", "--set", "instrument=USDJPY", "--set", "value=141.7",
		"--set", "unit=JPY per USD", "--set", "kind=last")
	require.NoError(t, err)
	want := event.NewID("manual", "USDJPY", time.Date(2024, 8, 5, 6, 0, 0, 0, time.UTC))
	assert.Equal(t, "cw.events.market.quote.USDJPY "+want+" stream=CW_EVENTS seq=1 duplicate=false\n", out)

	_, _, err = run(t, ctx, "publish", "--schema", event.SchemaMarketQuote, "--source", "manual",
		"--at", "2024-08-05T06:00:00Z", "--set", "instrument=USDJPY", "--set", "value=14170",
		"--set", "unit=JPY per USD", "--set", "kind=last")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "value: value out of range: 14170 is outside [1, 1000]")
}

func TestTailRiskScoreStartsWithLatestPrint(t *testing.T) {
	_, js := cliNATS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, index := range []float64{41.5, 62.25} {
		s := &event.RiskScore{
			Meta:  event.Meta{Source: "scorer", ObservedAt: time.Date(2025, 11, 28, 2, 40, i, 0, time.UTC)},
			Index: index, Regime: event.RegimeWatch, ModelVersion: "v1", CalibrationHash: "h",
			Watermark: event.Watermark{StreamSeq: uint64(i + 1)},
		}
		event.Seal(s, time.Now())
		data, err := event.Marshal(s)
		require.NoError(t, err)
		_, err = js.Publish(ctx, event.SubjectRiskScore, data)
		require.NoError(t, err)
	}
	out, _, err := run(t, ctx, "tail", event.SubjectRiskScore, "--count", "1")
	require.NoError(t, err)
	ev, err := event.Parse([]byte(strings.TrimSpace(out)), time.Now())
	require.NoError(t, err)
	assert.Equal(t, 62.25, ev.(*event.RiskScore).Index, "the latest print comes first")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func TestMigrateAppliesOnceThenNothing(t *testing.T) {
	db := chtest.NewEmpty(t)
	t.Setenv("CW_CLICKHOUSE_ADDR", db.Addr)
	t.Setenv("CW_CLICKHOUSE_DATABASE", db.Database)
	ctx := context.Background()

	out, _, err := run(t, ctx, "migrate")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"applied 0001_create_jgb_yields", "applied 0002_create_fed_odds", "applied 0003_create_etf_flows",
		"applied 0004_create_venue_status", "applied 0005_create_risk_scores", "applied 0006_create_dead_letters",
		"applied 0007_create_views", "applied 0008_create_risk_index_view", "applied 0009_create_market_quotes", "applied 0010_create_market_views",
		"applied 0011_add_risk_scores_etf_cost_basis", "applied 0012_add_views_dt_columns",
		"database " + db.Database + " is at the current schema (12 migrations applied now)",
	}, strings.Split(strings.TrimSpace(out), "\n"))

	out, _, err = run(t, ctx, "migrate")
	require.NoError(t, err)
	assert.Equal(t, "database "+db.Database+" is at the current schema (0 migrations applied now)\n", out)
}

// With CW_NATS_URL set, migrate also creates the streams that services
// running with CW_NATS_MANAGE_STREAMS=false only check.
func TestMigrateCreatesTheStreams(t *testing.T) {
	db := chtest.NewEmpty(t)
	ns := natstest.New(t)
	t.Setenv("CW_CLICKHOUSE_ADDR", db.Addr)
	t.Setenv("CW_CLICKHOUSE_DATABASE", db.Database)
	t.Setenv("CW_NATS_URL", ns.URL)
	ctx := context.Background()

	out, _, err := run(t, ctx, "migrate")
	require.NoError(t, err)
	assert.Contains(t, out, "streams CW_EVENTS, CW_SCORES and CW_DLQ are at the current configuration")
	js := ns.JetStream(t)
	for _, name := range []string{natsfx.StreamEvents, natsfx.StreamScores, natsfx.StreamDLQ} {
		_, err := js.Stream(ctx, name)
		assert.NoError(t, err, name)
	}
	cfg := natsfx.DefaultConfig()
	cfg.URL, cfg.ManageStreams = ns.URL, false
	bus := natsfx.New(cfg, zerolog.Nop())
	require.NoError(t, bus.Start(ctx), "a service that only checks the streams starts")
	require.NoError(t, bus.Stop(ctx))
}

// readyWriter is a stderr that closes ready once up has printed its
// ready block.
type readyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (w *readyWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(b)
	if strings.Contains(w.buf.String(), "carrywatch is up\n") {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

func (w *readyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// up stops on SIGINT or SIGTERM with a nil error (exit status 0), so that
// `make run` ends without an error after Ctrl-C.
func TestUpExitsZeroOnSignal(t *testing.T) {
	upEnv(t, envOr("CW_TEST_LOG_LEVEL", "warn"))
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			stderr := &readyWriter{ready: make(chan struct{})}
			var stdout bytes.Buffer
			cmd := newRootCmd(&stdout, stderr)
			cmd.SetArgs([]string{"up", "--scenario", "smoke", "--speed", "0",
				"--data-dir", t.TempDir(), "--nats-listen", "127.0.0.1:-1", "--http-addr", ""})
			done := make(chan error, 1)
			go func() { done <- cmd.ExecuteContext(ctx) }()
			select {
			case <-stderr.ready:
			case err := <-done:
				require.FailNow(t, "up returned before it was ready", "%v\n%s", err, stderr)
			case <-ctx.Done():
				require.FailNow(t, "up not ready in time", stderr.String())
			}
			// up listens for the signal from before it starts anything, so
			// the signal reaches its handler, not the test process's default.
			require.NoError(t, syscall.Kill(os.Getpid(), sig))
			select {
			case err := <-done:
				require.NoError(t, err, stderr.String())
			case <-ctx.Done():
				require.FailNow(t, "up did not stop on the signal", stderr.String())
			}
			assert.Empty(t, stdout.String(), "no report without --exit-when-done")
		})
	}
}

func TestUpExitWhenDoneNeedsAScenario(t *testing.T) {
	_, _, err := run(t, context.Background(), "up", "--exit-when-done", "--data-dir", t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "give --scenario too")
}
