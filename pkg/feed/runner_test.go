package feed

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// busOf hands a runner a started JetStream context.
type busOf struct{ js jetstream.JetStream }

func (b busOf) JetStream() jetstream.JetStream { return b.js }

// A runner is not ready before it has started polling, and is once every
// source has polled successfully.
func TestRunnerReadyOnlyAfterStart(t *testing.T) {
	js := natstest.New(t).Streams(t)
	file := filepath.Join(t.TempDir(), "jgb.txt")
	require.NoError(t, os.WriteFile(file, []byte("2026-01-05 10Y 2.05\n"), 0o600))
	lines := Format{Name: "lines", New: func(map[string]string) (Parser, error) { return lineParser, nil }}
	r, err := NewRunner([]Source{{Name: "lines", URL: "file://" + file, Format: "lines"}},
		[]Format{lines}, busOf{js}, prometheus.NewRegistry(), zerolog.Nop())
	require.NoError(t, err)

	assert.ErrorIs(t, r.Ready(t.Context()), ErrNotStarted, "nothing polled before Start")

	require.NoError(t, r.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, r.Stop(ctx))
	})
	require.Eventually(t, func() bool { return r.Ready(t.Context()) == nil }, 30*time.Second, 10*time.Millisecond)
}
