package feed

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// The embedded defaults are the example feeds file operators copy: one
// file, two places.
func TestDefaultsAreTheExampleFeedsFile(t *testing.T) {
	example, err := os.ReadFile("../../deploy/feeds.example.yaml")
	require.NoError(t, err)
	assert.Equal(t, string(example), string(DefaultsYAML()), "deploy/feeds.example.yaml and pkg/feed/defaults.yaml differ: copy one onto the other")
	k8s, err := os.ReadFile("../../deploy/k8s/base/feeds.yaml")
	require.NoError(t, err)
	assert.Equal(t, string(example), string(k8s), "the Kubernetes base polls the example's sources: copy deploy/feeds.example.yaml onto deploy/k8s/base/feeds.yaml")

	c := Default()
	names := map[string]bool{}
	for _, s := range c.Sources {
		names[s.Name] = true
		assert.NoError(t, s.Validate())
	}
	for _, want := range []string{"mof-jgb-history", "kalshi-kxfed", "farside-btc", "fred-dexjpus", "fred-dgs2", "fred-cbbtcusd", "fred-vixcls", "coinbase-btc-ticker"} {
		assert.True(t, names[want], "the defaults poll %s", want)
	}
	assert.NotEmpty(t, c.Venues)
}

func TestURLAtNamesTheYearOfThePoll(t *testing.T) {
	s := Source{URL: "https://example.test/rates.csv/{year}/all?year={year}"}
	assert.Equal(t, "https://example.test/rates.csv/2027/all?year=2027",
		s.URLAt(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, "https://example.test/rates.csv/2026/all?year=2026",
		s.URLAt(time.Date(2027, 1, 1, 8, 0, 0, 0, time.FixedZone("JST", 9*3600))), "the UTC year")
	assert.Equal(t, "file:///x", Source{URL: "file:///x"}.URLAt(time.Now()))
}

// A source that cannot be read shows in its State with its error and the
// count of failed polls, and clears once it reads again.
func TestRunnerStatesReportUnreachableSources(t *testing.T) {
	js := natstest.New(t).Streams(t)
	file := filepath.Join(t.TempDir(), "jgb.txt")
	lines := Format{Name: "lines", New: func(map[string]string) (Parser, error) { return lineParser, nil }}
	jitter := 0.0
	r, err := NewRunner([]Source{{Name: "lines", URL: "file://" + file, Format: "lines", Interval: time.Hour, Jitter: &jitter, RetryBase: 5 * time.Millisecond}},
		[]Format{lines}, busOf{js}, prometheus.NewRegistry(), zerolog.Nop())
	require.NoError(t, err)
	assert.Nil(t, r.States(), "no states before Start")

	require.NoError(t, r.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, r.Stop(ctx))
	})
	require.Eventually(t, func() bool { return r.States()[0].Failures >= 2 }, 30*time.Second, 5*time.Millisecond)
	st := r.States()[0]
	assert.Equal(t, "lines", st.Source)
	assert.True(t, st.Polled)
	assert.True(t, st.LastSuccess.IsZero())
	assert.Contains(t, st.Error, "jgb.txt")

	require.NoError(t, os.WriteFile(file, []byte("2026-01-05 10Y 2.05\n"), 0o600))
	require.Eventually(t, func() bool { return r.States()[0].Failures == 0 }, 30*time.Second, 5*time.Millisecond)
	st = r.States()[0]
	assert.Empty(t, st.Error)
	assert.False(t, st.LastSuccess.IsZero())
}
