package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// buildCLI builds this command into a temporary directory, so that a test
// sees everything the process writes: the log, fx's own lines, the error
// main prints.
func buildCLI(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command builds the binary under test")
	bin := filepath.Join(t.TempDir(), "carrywatch")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// randomSecret returns a password no log line could contain by chance.
func randomSecret(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 12)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return prefix + "-" + hex.EncodeToString(b)
}

// cliRun is one run of the binary: everything it wrote to stdout and
// stderr, and its exit error.
type cliRun struct {
	stdout, all string
	err         error
}

// runCLI runs bin with args in an environment of only env (plus PATH and
// a temporary HOME), at trace level.
func runCLI(t *testing.T, bin string, env map[string]string, args ...string) cliRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "CW_LOG_LEVEL=trace"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return cliRun{stdout: stdout.String(), all: stdout.String() + stderr.String(), err: err}
}

// writeSecretFile writes a password file as a mounted secret would be.
func writeSecretFile(t *testing.T, secret string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "password")
	require.NoError(t, os.WriteFile(path, []byte(secret+"\n"), 0o600))
	return path
}

// A password given in configuration never shows in anything the process
// writes, at trace level, when it logs in and when the login is refused.
func TestSecretsNeverLogged(t *testing.T) {
	db := chtest.New(t)
	bin := buildCLI(t)
	natsSecret := randomSecret(t, "nats")
	chSecret := randomSecret(t, "clickhouse")
	otherSecret := randomSecret(t, "other")

	// natsWith runs a server whose user cw has password pw.
	natsWith := func(t *testing.T, pw string) *natstest.Server {
		return natstest.NewWithOptions(t, func(o *server.Options) {
			o.Users = []*server.User{{Username: "cw", Password: pw}}
		})
	}
	clickhouse := map[string]string{"CW_CLICKHOUSE_ADDR": db.Addr, "CW_CLICKHOUSE_DATABASE": db.Database}
	with := func(maps ...map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range maps {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	up := []string{"up", "--scenario", "smoke", "--speed", "0", "--exit-when-done", "--http-addr", "127.0.0.1:0", "--web-addr", "127.0.0.1:0", "--timeout", "1m"}
	upIn := func(t *testing.T) []string {
		return append(up, "--data-dir", t.TempDir(), "--nats-listen", "127.0.0.1:-1")
	}
	publish := []string{"publish", "--schema", event.SchemaJGBYield, "--source", "manual",
		"--at", "2025-12-01T06:00:00Z", "--set", "tenor=10Y", "--set", "yield_pct=1.881"}

	tests := []struct {
		name string
		// run returns the run and what its output must contain, proving the
		// path under test (a login, a refusal) was taken.
		run  func(t *testing.T) (cliRun, []string)
		fail bool
	}{
		{
			name: "up logs in to NATS with a password",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, natsSecret)
				env := with(clickhouse, map[string]string{"CW_NATS_URL": ns.URL, "CW_NATS_USER": "cw", "CW_NATS_PASSWORD": natsSecret})
				return runCLI(t, bin, env, upIn(t)...), []string{`"stored":17`, `"level":"debug"`, "nats connected"}
			},
		},
		{
			name: "up logs in with a password file and an embedded server",
			run: func(t *testing.T) (cliRun, []string) {
				env := with(clickhouse, map[string]string{"CW_NATS_USER": "cw", "CW_NATS_PASSWORD_FILE": writeSecretFile(t, natsSecret)})
				return runCLI(t, bin, env, upIn(t)...), []string{`"stored":17`, "nats server", "embedded nats server started"}
			},
		},
		{
			name: "up with a wrong NATS password",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, otherSecret)
				env := with(clickhouse, map[string]string{"CW_NATS_URL": ns.URL, "CW_NATS_USER": "cw", "CW_NATS_PASSWORD": natsSecret})
				return runCLI(t, bin, env, upIn(t)...), []string{"Authorization Violation"}
			},
			fail: true,
		},
		{
			name: "up with a wrong NATS password file",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, otherSecret)
				env := with(clickhouse, map[string]string{"CW_NATS_URL": ns.URL, "CW_NATS_USER": "cw", "CW_NATS_PASSWORD_FILE": writeSecretFile(t, natsSecret)})
				return runCLI(t, bin, env, upIn(t)...), []string{"Authorization Violation"}
			},
			fail: true,
		},
		{
			name: "up with a wrong password in the NATS URL",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, otherSecret)
				url := strings.Replace(ns.URL, "nats://", "nats://cw:"+natsSecret+"@", 1)
				env := with(clickhouse, map[string]string{"CW_NATS_URL": url})
				return runCLI(t, bin, env, upIn(t)...), []string{"Authorization Violation", "cw:xxxxx@127.0.0.1"}
			},
			fail: true,
		},
		{
			name: "up with a wrong ClickHouse password",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, natsSecret)
				env := with(clickhouse, map[string]string{"CW_NATS_URL": ns.URL, "CW_NATS_USER": "cw", "CW_NATS_PASSWORD": natsSecret,
					"CW_CLICKHOUSE_PASSWORD": chSecret})
				return runCLI(t, bin, env, upIn(t)...), []string{"nats connected", "ping clickhouse", "password"}
			},
			fail: true,
		},
		{
			name: "migrate with a wrong ClickHouse password file",
			run: func(t *testing.T) (cliRun, []string) {
				env := with(clickhouse, map[string]string{"CW_CLICKHOUSE_PASSWORD_FILE": writeSecretFile(t, chSecret)})
				return runCLI(t, bin, env, "migrate"), []string{"ping clickhouse", "password"}
			},
			fail: true,
		},
		{
			name: "publish logs in with a password",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, natsSecret)
				ns.Streams(t, nats.UserInfo("cw", natsSecret))
				env := map[string]string{"CW_NATS_URL": ns.URL, "CW_NATS_USER": "cw", "CW_NATS_PASSWORD": natsSecret}
				return runCLI(t, bin, env, publish...), []string{"stream=CW_EVENTS seq=1"}
			},
		},
		{
			name: "publish with a wrong password",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, otherSecret)
				env := map[string]string{"CW_NATS_URL": ns.URL, "CW_NATS_USER": "cw", "CW_NATS_PASSWORD": natsSecret}
				return runCLI(t, bin, env, publish...), []string{"Authorization Violation"}
			},
			fail: true,
		},
		{
			name: "tail with a wrong password file",
			run: func(t *testing.T) (cliRun, []string) {
				ns := natsWith(t, otherSecret)
				env := map[string]string{"CW_NATS_URL": ns.URL, "CW_NATS_USER": "cw", "CW_NATS_PASSWORD_FILE": writeSecretFile(t, natsSecret)}
				return runCLI(t, bin, env, "tail", event.SubjectRiskScore, "--count", "1"), []string{"Authorization Violation"}
			},
			fail: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, want := tt.run(t)
			if tt.fail {
				var exit *exec.ExitError
				require.True(t, errors.As(res.err, &exit), "the command fails: %v\n%s", res.err, res.all)
			} else {
				require.NoError(t, res.err, res.all)
			}
			for _, w := range want {
				require.Contains(t, res.all, w, "the path under test was taken")
			}
			for _, secret := range []string{natsSecret, chSecret, otherSecret} {
				assert.NotContains(t, res.all, secret, "a password is in the output:\n%s", res.all)
			}
		})
	}
}
