package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
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
