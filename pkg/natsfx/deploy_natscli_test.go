package natsfx_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// The README's command for quant desks, run with the stock NATS CLI as user
// quant against the deployment's server: the last print on connect, then
// every new one, and nothing else of CW_SCORES.
func TestDeployQuantNATSCLILastPrintThenNew(t *testing.T) {
	nats := natstest.CLI(t, "the README's `nats sub --last-per-subject cw.risk.score` check")
	srv, _ := startDeployNATS(t)
	ctx := testContext(t)

	scorer := connectAs(t, srv.URL, "scorer")
	for s, index := range []float64{41.5, 42.5, 43.5} {
		_, err := scorer.js.Publish(ctx, event.SubjectRiskScore, riskPrint(t, s, index))
		require.NoError(t, err)
	}
	_, err := scorer.js.Publish(ctx, event.SubjectComponent("A2"), riskComponent(t, 2))
	require.NoError(t, err)

	// As in the README: the login in NATS_URL, NATS_USER, NATS_PASSWORD.
	out := startCLI(t, nats, []string{
		"NATS_URL=" + srv.URL, "NATS_USER=quant", "NATS_PASSWORD=" + deployUsers["quant"],
	}, "--inbox-prefix", "_INBOX_quant", "sub", "--last-per-subject", "--raw", "cw.risk.score")

	first := nextPrint(t, out)
	assert.Equal(t, 43.5, first.Index, "the last print on connect")
	assert.Equal(t, event.SchemaRiskScore, first.Schema)

	// The CLI has its consumer once the first print is out: the next print
	// is new to it.
	_, err = scorer.js.Publish(ctx, event.SubjectRiskScore, riskPrint(t, 3, 44.5))
	require.NoError(t, err)
	second := nextPrint(t, out)
	assert.Equal(t, 44.5, second.Index, "then the new print")
	assert.NotEqual(t, first.ID, second.ID)
}

// riskComponent returns a component sub-score of A2 observed at second s.
func riskComponent(t *testing.T, s int) []byte {
	t.Helper()
	return sealed(t, &event.RiskComponent{
		Meta:         event.Meta{Source: "scorer", ObservedAt: time.Date(2025, 11, 28, 2, 40, s, 0, time.UTC)},
		Component:    event.Component{Name: "A2", Block: "A", Score: 0.5, Confidence: 1},
		ModelVersion: "v1", CalibrationHash: "h", Watermark: event.Watermark{StreamSeq: uint64(s + 1)},
	})
}

// startCLI runs the NATS CLI with args and env (and an empty home, so no
// saved context applies) until the test ends, and returns its stdout
// lines. Its stderr is logged when the test fails.
func startCLI(t *testing.T, path string, env []string, args ...string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, args...)
	home := t.TempDir()
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "PATH=/usr/bin:/bin"}, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start(), "start %s", path)
	lines := make(chan string, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s %s stderr:\n%s", path, strings.Join(args, " "), stderr.String())
		}
	})
	return lines
}

// nextPrint reads the next non-empty line of out as a print; it fails the
// test if none comes within 30 s.
func nextPrint(t *testing.T, out <-chan string) event.RiskScore {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-out:
			require.True(t, ok, "the CLI exited")
			if strings.TrimSpace(line) == "" {
				continue
			}
			var p event.RiskScore
			require.NoError(t, json.Unmarshal([]byte(line), &p), "a print: %q", line)
			return p
		case <-timeout:
			t.Fatal("no print from the CLI within 30s")
		}
	}
}
