package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/history"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// upEnv is the environment of a `carrywatch up` under test: a database
// of the test ClickHouse of its own, no CW_NATS_URL (up runs its embedded
// server), logging at level, and a fresh data dir. It returns the
// database and the data dir.
func upEnv(t *testing.T, level string) (*chtest.DB, string) {
	t.Helper()
	db := chtest.New(t)
	t.Setenv("CW_CLICKHOUSE_ADDR", db.Addr)
	t.Setenv("CW_CLICKHOUSE_DATABASE", db.Database)
	t.Setenv("CW_NATS_URL", "")
	t.Setenv("CW_LOG_LEVEL", level)
	dataDir := filepath.Join(t.TempDir(), "carrywatch")
	t.Setenv("CW_DATA_DIR", dataDir)
	return db, dataDir
}

// startUp runs `carrywatch up` with args until the returned function stops
// it; it returns once up says it is up, with what up writes to stderr.
func startUp(t *testing.T, args ...string) (stop func(), logs *logtest.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &logtest.Buffer{}
	done := make(chan error, 1)
	go func() {
		cmd := newRootCmd(&bytes.Buffer{}, stderr)
		cmd.SetArgs(append([]string{"up"}, args...))
		done <- cmd.ExecuteContext(ctx)
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		require.NoError(t, <-done, stderr.String())
	}
	t.Cleanup(stop)
	var exitErr error
	exited := false
	require.Eventually(t, func() bool {
		select {
		case exitErr = <-done:
			exited = true
			return true
		default:
		}
		return strings.Contains(stderr.String(), `"message":"carrywatch is up"`)
	}, 2*time.Minute, 20*time.Millisecond)
	if exited {
		stopped = true
		require.Failf(t, "up exited", "error: %v\n%s", exitErr, stderr.String())
	}
	return stop, stderr
}

// mofFeeds writes a feeds file with one source, the MoF fixture read from
// disk, and returns its path.
func mofFeeds(t *testing.T) string {
	t.Helper()
	mof, err := filepath.Abs(mofFile)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "feeds.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
sources:
  - {name: mof-jgb-current, format: mof-jgb, url: "file://`+mof+`", interval: 1h}
`), 0o600))
	return file
}

// upJetStream connects to the embedded server of the up on dataDir with
// the login up wrote there.
func upJetStream(t *testing.T, dataDir string) jetstream.JetStream {
	t.Helper()
	l, err := loadLocalNATS(dataDir)
	require.NoError(t, err)
	nc, err := nats.Connect(l.URL, nats.UserInfo(l.User, l.Password))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// `carrywatch up` lets into its embedded NATS only the login it made in
// its data dir, once; the client commands find it there by themselves.
func TestUpEmbeddedNATSLetsInOnlyItsLogin(t *testing.T) {
	_, dataDir := upEnv(t, "trace")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	upArgs := []string{"--scenario", "smoke", "--speed", "0", "--nats-listen", "127.0.0.1:-1", "--http-addr", "", "--web-addr", ""}

	stop, logs := startUp(t, upArgs...)
	file := localNATSFile(dataDir)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the login file is the owner's only")
	di, err := os.Stat(filepath.Dir(file))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
	first, err := loadLocalNATS(dataDir)
	require.NoError(t, err)
	assert.Equal(t, "admin", first.User)
	assert.GreaterOrEqual(t, len(first.Password), 26, "a random password of 128 bits or more")
	require.True(t, strings.HasPrefix(first.URL, "nats://127.0.0.1:"), first.URL)

	for name, opts := range map[string][]nats.Option{
		"no credentials": nil,
		"wrong password": {nats.UserInfo("admin", "guess")},
		"token":          {nats.Token(first.Password)},
	} {
		_, err := nats.Connect(first.URL, append(opts, nats.MaxReconnects(0))...)
		assert.ErrorIs(t, err, nats.ErrAuthorization, name)
	}

	_, _, err = run(t, ctx, "publish", "--schema", event.SchemaJGBYield, "--at", "2025-12-01T06:00:00Z",
		"--set", "tenor=10Y", "--set", "yield_pct=1.881")
	require.ErrorIs(t, err, ErrReplayRunning, "a live event is not sent into a replay")
	out, stderr, err := run(t, ctx, "publish", "--into-replay", "--schema", event.SchemaJGBYield, "--at", "2025-12-01T06:00:00Z",
		"--set", "tenor=10Y", "--set", "yield_pct=1.881")
	require.NoError(t, err, "publish finds up's login in CW_DATA_DIR")
	assert.Contains(t, out, "stream=CW_EVENTS")
	assert.NotContains(t, out+stderr, first.Password)
	out, stderr, err = run(t, ctx, "tail", event.SubjectRiskScore, "--count", "1")
	require.NoError(t, err)
	assert.NotContains(t, stderr, first.Password)
	_, err = event.Parse([]byte(strings.TrimSpace(out)), time.Now())
	require.NoError(t, err, "tail printed the latest print: %q", out)
	stop()
	assert.Contains(t, logs.String(), `"message":"embedded nats login written for clients"`)
	assert.NotContains(t, logs.String(), first.Password, "up never logs the password it made")

	_, logs = startUp(t, upArgs...)
	second, err := loadLocalNATS(dataDir)
	require.NoError(t, err)
	assert.Equal(t, first.Password, second.Password, "the password is made once and kept")
	out, _, err = run(t, ctx, "tail", event.SubjectRiskScore, "--count", "1")
	require.NoError(t, err, "after a restart")
	assert.NotEmpty(t, strings.TrimSpace(out))
	assert.NotContains(t, logs.String(), first.Password)
}

// Without CW_NATS_URL the client commands use the server and login of the
// up on CW_DATA_DIR, a login of the environment first; without an up
// there, the default address.
func TestClientFindsTheLocalLogin(t *testing.T) {
	cfg := natsfx.DefaultConfig()
	cfg.User, cfg.Password = "ops", "pw"
	got, err := withLocalNATS(cfg, t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, defaultNATSURL, got.URL)
	assert.Equal(t, "ops", got.User)

	dir := t.TempDir()
	require.NoError(t, saveLocalNATS(dir, localNATS{URL: "nats://127.0.0.1:14222", User: "admin", Password: "up-pw"}))
	got, err = withLocalNATS(cfg, dir)
	require.NoError(t, err)
	assert.Equal(t, "nats://127.0.0.1:14222", got.URL)
	assert.Equal(t, "ops", got.User, "a login in the environment wins")
	got, err = withLocalNATS(natsfx.DefaultConfig(), dir)
	require.NoError(t, err)
	assert.Equal(t, localNATS{URL: "nats://127.0.0.1:14222", User: "admin", Password: "up-pw"},
		localNATS{URL: got.URL, User: got.User, Password: got.Password})

	// An up given its login in its environment keeps no password: the
	// client commands need the same login.
	require.NoError(t, saveLocalNATS(dir, localNATS{URL: "nats://127.0.0.1:14222", User: "ops"}))
	_, err = withLocalNATS(natsfx.DefaultConfig(), dir)
	require.ErrorIs(t, err, natsfx.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "set the same CW_NATS_USER")
	got, err = withLocalNATS(cfg, dir)
	require.NoError(t, err)
	assert.Equal(t, "nats://127.0.0.1:14222", got.URL)
	assert.Equal(t, "pw", got.Password)
}

// A live up publishes the embedded history into a new NATS store once,
// before its feeds, then polls them; a restart on the same store does not
// publish the history again.
func TestUpLivePublishesTheHistoryOnceThenPolls(t *testing.T) {
	_, dataDir := upEnv(t, "info")
	args := []string{"--config", mofFeeds(t), "--nats-listen", "127.0.0.1:-1", "--http-addr", "", "--web-addr", ""}

	total := 0
	for _, s := range history.Events() {
		total += s.Rows
	}
	stop, logs := startUp(t, args...)
	marker := filepath.Join(dataDir, "nats", historyMarkerName)
	require.Eventually(t, func() bool { _, err := os.Stat(marker); return err == nil }, 5*time.Minute, 50*time.Millisecond,
		"the history is published: %s", logs)
	var m historyMarker
	data, err := os.ReadFile(marker)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, total, m.Published)

	js := upJetStream(t, dataDir)
	require.Eventually(t, func() bool { return natstest.Count(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>") >= 2*6129+45 }, 2*time.Minute, 50*time.Millisecond,
		"the history's 2 × 6129 JGB days, then the feed's 45 yields")
	msgs := natstest.Stored(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>")
	require.Len(t, msgs, 2*6129+45)
	first, err := event.Parse(msgs[0].Data(), time.Now())
	require.NoError(t, err)
	assert.Equal(t, 1999, first.Header().ObservedAt.Year(), "the history first")
	feedFirst, err := event.Parse(msgs[2*6129].Data(), time.Now())
	require.NoError(t, err)
	assert.Equal(t, "mof", feedFirst.Header().Source, "then the feed")
	assert.Contains(t, logs.String(), `"message":"history published"`)
	before := natstest.Count(t, js, natsfx.StreamEvents, ">")
	stop()

	_, logs = startUp(t, args...)
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "history 1999-2023 already published into this store")
	}, time.Minute, 20*time.Millisecond)
	js = upJetStream(t, dataDir)
	assert.LessOrEqual(t, natstest.Count(t, js, natsfx.StreamEvents, ">")-before, 5, "no history again: at most the scorer's heartbeats")
}

// A replay runs in a store of its own under the data dir, emptied first;
// publish refuses to send a live event into it; a live up afterwards on the
// same data dir starts from its own store, without the replay's events.
func TestReplayAndLiveNeverShareAStore(t *testing.T) {
	_, dataDir := upEnv(t, "info")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	common := []string{"--nats-listen", "127.0.0.1:-1", "--http-addr", "", "--web-addr", ""}

	stop, _ := startUp(t, append([]string{"--scenario", "smoke", "--speed", "0"}, common...)...)
	assert.DirExists(t, filepath.Join(dataDir, "replays", "smoke", "nats"))
	assert.NoDirExists(t, filepath.Join(dataDir, "nats"))
	l, err := loadLocalNATS(dataDir)
	require.NoError(t, err)
	assert.Equal(t, "smoke", l.Replay)
	_, _, err = run(t, ctx, "outage", "open", "--venue", "cme", "--severity", "halt")
	require.ErrorIs(t, err, ErrReplayRunning)
	assert.Contains(t, err.Error(), "--into-replay")
	replayJS := upJetStream(t, dataDir)
	require.Eventually(t, func() bool { return natstest.Count(t, replayJS, natsfx.StreamEvents, "cw.events.jgb.yield.>") > 0 }, time.Minute, 20*time.Millisecond)
	stop()

	stop, _ = startUp(t, append([]string{"--config", mofFeeds(t), "--history=false"}, common...)...)
	defer stop()
	l, err = loadLocalNATS(dataDir)
	require.NoError(t, err)
	assert.Empty(t, l.Replay, "a live up clears the mark")
	_, _, err = run(t, ctx, "outage", "open", "--venue", "cme", "--severity", "halt")
	require.NoError(t, err, "live events go to a live up")
	js := upJetStream(t, dataDir)
	require.Eventually(t, func() bool { return natstest.Count(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>") >= 45 }, time.Minute, 20*time.Millisecond)
	yields := natstest.Stored(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>")
	require.Len(t, yields, 45, "the feed's yields and nothing of the replay")
	for _, msg := range yields {
		ev, err := event.Parse(msg.Data(), time.Now())
		require.NoError(t, err)
		assert.Equal(t, "mof", ev.Header().Source)
	}
}

// migrate, given no CW_CLICKHOUSE_ADDR, uses the ClickHouse the
// `carrywatch up` on its data dir wrote down, and its database; the file is
// the owner's only.
func TestMigrateFindsUpsClickHouse(t *testing.T) {
	db := chtest.New(t)
	dataDir := t.TempDir()
	require.NoError(t, saveLocalCH(dataDir, db.Addr, db.Database))
	fi, err := os.Stat(localCHFile(dataDir))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(filepath.Dir(localCHFile(dataDir)))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())

	t.Setenv("CW_DATA_DIR", dataDir)
	t.Setenv("CW_CLICKHOUSE_ADDR", "")
	t.Setenv("CW_CLICKHOUSE_DATABASE", "")
	t.Setenv("CW_NATS_URL", "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, stderr, err := run(t, ctx, "migrate")
	require.NoError(t, err, stderr)
	assert.Contains(t, out, "database "+db.Database+" is at the current schema")
	var n uint64
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = '"+db.Database+"' AND name = 'risk_scores'").Scan(&n))
	assert.Equal(t, uint64(1), n, "migrated the database up named")

	// Without an up on the data dir, migrate says what is missing.
	t.Setenv("CW_DATA_DIR", t.TempDir())
	_, _, err = run(t, ctx, "migrate")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no carrywatch up has run on")
}

func TestReadyBlock(t *testing.T) {
	var b strings.Builder
	require.NoError(t, writeReady(&b, upInfo{
		NATSURL: "nats://127.0.0.1:4222", NATSLogin: "/d/credentials/nats.env",
		CHAddr: "127.0.0.1:19000", CHDatabase: "carrywatch", CHUser: "default",
		HTTPAddr: ":8080", WebURL: "http://127.0.0.1:8090/", DataDir: "/d", Data: "live: 22 sources",
	}))
	out := b.String()
	for _, want := range []string{
		"  data         live: 22 sources\n",
		"nats://127.0.0.1:4222", "login: /d/credentials/nats.env",
		"clickhouse-client --port 19000 --database carrywatch\n",
		"http://127.0.0.1:8080/readyz", "page         http://127.0.0.1:8090/", "data dir /d",
	} {
		assert.Contains(t, out, want)
	}

	b.Reset()
	require.NoError(t, writeReady(&b, upInfo{NATSURL: "nats://n:4222", CHAddr: "ch.example:9440", CHDatabase: "cw",
		CHUser: "analyst", CHPassword: true, HTTPAddr: "10.0.0.1:9090", DataDir: "/d"}))
	assert.Contains(t, b.String(), "clickhouse-client --host ch.example --port 9440 --database cw --user analyst --password\n")
	assert.Contains(t, b.String(), "login: the one in up's environment")
	assert.Contains(t, b.String(), "http://10.0.0.1:9090/readyz")
	assert.NotContains(t, b.String(), "page ", "no page line when the page is off")

	b.Reset()
	require.NoError(t, writeReady(&b, upInfo{NATSURL: "nats://n:4222", CHAddr: "127.0.0.1:19000", CHDatabase: "cw", DataDir: "/d"}))
	assert.NotContains(t, b.String(), "ops", "no ops line when the endpoint is disabled")
}
