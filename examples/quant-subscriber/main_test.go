package main

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// passwords are the deployment's users' passwords, given to the server
// through its environment as docker-compose and Kubernetes do.
var passwords = map[string]string{
	"admin": "admin-pw-3e81", "ingest": "ingest-pw-77c2", "scorer": "scorer-pw-a05d",
	"sink": "sink-pw-19fb", "quant": "quant-pw-6d4e",
}

// The example, built and run as user quant against the deployment's NATS
// server with the carrywatch streams: one line for the last print on
// connect, one for the next print, and a clean exit on SIGINT.
func TestQuantSubscriberPrintsLastThenNew(t *testing.T) {
	bin := build(t)
	ns := deployServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ns.Streams(t, nats.UserInfo("admin", passwords["admin"]), nats.CustomInboxPrefix("_INBOX_admin"))
	scorer := ns.JetStream(t, nats.UserInfo("scorer", passwords["scorer"]), nats.CustomInboxPrefix("_INBOX_scorer"))
	publish := func(s int, index float64, regime string, triggers, drivers []string) {
		t.Helper()
		p := &event.RiskScore{
			Meta:  event.Meta{Source: "scorer", ObservedAt: time.Date(2025, 11, 28, 2, 40, s, 0, time.UTC)},
			Index: index, Regime: regime, Triggers: triggers, Drivers: drivers,
			ModelVersion: "clri-v2", CalibrationHash: "h", Watermark: event.Watermark{StreamSeq: uint64(s + 1)},
		}
		event.Seal(p, time.Now())
		data, err := event.Marshal(p)
		require.NoError(t, err)
		_, err = scorer.Publish(ctx, event.SubjectRiskScore, data)
		require.NoError(t, err)
	}
	publish(0, 41.5, event.RegimeCalm, nil, []string{"B"})
	publish(1, 61.3, event.RegimeWatch, nil, []string{"A", "B"})

	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = []string{"NATS_URL=" + ns.URL, "NATS_USER=quant", "NATS_PASSWORD=" + passwords["quant"]}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("quant-subscriber stderr:\n%s", stderr.String())
		}
	})
	next := func() string {
		t.Helper()
		select {
		case line, ok := <-lines:
			require.True(t, ok, "quant-subscriber exited")
			return line
		case <-ctx.Done():
			t.Fatal("no line from quant-subscriber")
			return ""
		}
	}

	assert.Equal(t, "2025-11-28T02:40:01Z index=61.3 regime=watch triggers=- drivers=A,B", next(), "the last print on connect")
	// It has its consumer once the first line is out: the next print is new.
	publish(2, 83.4, event.RegimeStress, []string{"CARRY_UNWIND", "SINGLE_POCKET_A"}, []string{"A", "X", "D"})
	assert.Equal(t, "2025-11-28T02:40:02Z index=83.4 regime=stress triggers=CARRY_UNWIND,SINGLE_POCKET_A drivers=A,X,D", next(), "then the new print")

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for line := range lines { // stdout closes when it exits
		t.Errorf("a line after SIGINT: %q", line)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		require.NoError(t, err, "exit status after SIGINT")
	case <-ctx.Done():
		t.Fatal("quant-subscriber did not exit after SIGINT")
	}
}

// build compiles the example into a temporary directory, as a desk would.
func build(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command builds the example")
	bin := filepath.Join(t.TempDir(), "quant-subscriber")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// deployServer runs deploy/nats/nats.conf (its users and permissions) on
// 127.0.0.1 and a random port, stored in a temporary directory.
func deployServer(t *testing.T) *natstest.Server {
	t.Helper()
	for user, pw := range passwords {
		t.Setenv("CW_NATS_"+strings.ToUpper(user)+"_PASSWORD", pw)
	}
	opts, err := server.ProcessConfigFile("../../deploy/nats/nats.conf")
	require.NoError(t, err)
	return natstest.NewWithOptions(t, func(o *server.Options) {
		storeDir := o.StoreDir
		*o = *opts.Clone()
		o.Host, o.Port, o.HTTPPort = "127.0.0.1", server.RANDOM_PORT, 0
		o.StoreDir, o.NoLog, o.NoSigs = storeDir, true, true
	})
}
