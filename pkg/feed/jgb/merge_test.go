package jgb_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/jgb"
)

// parseAs parses a MoF body through the mof-jgb format with another source
// name, so a merged event shows which file it came from.
func parseAs(t *testing.T, source string, body []byte) feed.Observations {
	t.Helper()
	f, err := feed.Lookup(jgb.Formats(), "mof-jgb")
	require.NoError(t, err)
	p, err := f.New(map[string]string{"source": source})
	require.NoError(t, err)
	obs, err := p(body, now)
	require.NoError(t, err)
	return obs
}

func TestMerge(t *testing.T) {
	current := string(feedtest.Testdata(t, currentUTF8))
	// A current-month file where MoF revised R7.12.1 10Y and has "-" for 2Y.
	revised := strings.Replace(current,
		"R7.12.1,0.811,1.02,1.122,1.285,1.397,1.495,1.597,1.698,1.792,1.881,",
		"R7.12.1,0.811,-,1.122,1.285,1.397,1.495,1.597,1.698,1.792,1.9,", 1)
	require.NotEqual(t, current, revised)

	tests := []struct {
		name         string
		current      []byte
		history      []byte
		wantEvents   int
		want         map[string]float64
		wantSource   map[string]string // key → "current" or "history"
		wantWarnings []string
	}{
		{
			name:       "real files: current month inside the extract",
			current:    feedtest.Testdata(t, currentCP932),
			history:    feedtest.Testdata(t, allCP932),
			wantEvents: 41 * 15,
			want:       map[string]float64{"2025-12-01/2Y": 1.02, "2025-12-01/10Y": 1.881, "2025-10-31/10Y": 1.67, "2025-12-30/10Y": 2.066},
			wantSource: map[string]string{"2025-12-01/10Y": "current", "2025-12-03/40Y": "current", "2025-12-04/10Y": "history", "2025-10-31/1Y": "history"},
		},
		{
			name:       "current month wins where both have a value; history fills its dash",
			current:    []byte(revised),
			history:    feedtest.Testdata(t, allUTF8),
			wantEvents: 41 * 15,
			want:       map[string]float64{"2025-12-01/10Y": 1.9, "2025-12-01/2Y": 1.02, "2025-12-02/10Y": 1.864},
			wantSource: map[string]string{"2025-12-01/10Y": "current", "2025-12-01/2Y": "history", "2025-12-02/10Y": "current"},
		},
		{
			name:       "union of dates",
			current:    feedtest.Testdata(t, currentUTF8),
			history:    feedtest.Testdata(t, docSample),
			wantEvents: 9 + 4*15 + 2*15, // S49.9.24's 1Y–9Y, the four other sample rows, R7.12.2 and R7.12.3
			want:       map[string]float64{"1974-09-24/1Y": 10.327, "1974-09-24/9Y": 8.127, "2024-08-05/10Y": 0.781, "2025-12-01/10Y": 1.881, "2025-12-03/10Y": 1.897},
			wantSource: map[string]string{"1974-09-24/2Y": "history", "2024-08-05/10Y": "history", "2025-12-01/10Y": "current", "2025-12-03/10Y": "current"},
		},
		{
			name:       "history only",
			current:    mofBody(),
			history:    feedtest.Testdata(t, currentCP932),
			wantEvents: 3 * 15,
			wantSource: map[string]string{"2025-12-01/10Y": "history"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := parseAs(t, "current", tt.current)
			hist := parseAs(t, "history", tt.history)
			got := jgb.Merge(cur, hist)
			require.Len(t, got.Events, tt.wantEvents)
			assert.Equal(t, tt.wantWarnings, got.Warnings)
			values := make(map[string]float64, len(got.Events))
			sources := make(map[string]string, len(got.Events))
			for _, e := range got.Events {
				y := e.(*event.JGBYield)
				k := key(y)
				require.NotContains(t, values, k, "key repeats")
				values[k] = y.YieldPct
				sources[k] = y.Source
			}
			for k, v := range tt.want {
				assert.Equal(t, v, values[k], k)
			}
			for k, v := range tt.wantSource {
				assert.Equal(t, v, sources[k], k)
			}
			checkEvents(t, got)
		})
	}
}

func TestMergeOrderIsDeterministic(t *testing.T) {
	cur, err := jgb.ParseMoF(feedtest.Testdata(t, currentUTF8), now)
	require.NoError(t, err)
	hist, err := jgb.ParseMoF(feedtest.Testdata(t, allUTF8), now)
	require.NoError(t, err)
	want := jgb.Merge(cur, hist)

	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name    string
		shuffle bool
		swap    bool
	}{
		{name: "as parsed"},
		{name: "shuffled", shuffle: true},
		{name: "shuffled and swapped", shuffle: true, swap: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := feed.Observations{Events: slices.Clone(cur.Events)}
			h := feed.Observations{Events: slices.Clone(hist.Events)}
			if tt.shuffle {
				rng.Shuffle(len(c.Events), func(i, j int) { c.Events[i], c.Events[j] = c.Events[j], c.Events[i] })
				rng.Shuffle(len(h.Events), func(i, j int) { h.Events[i], h.Events[j] = h.Events[j], h.Events[i] })
			}
			if tt.swap { // identical values, so either order gives the same set
				c, h = h, c
			}
			got := jgb.Merge(c, h)
			require.Len(t, got.Events, len(want.Events))
			for i := range want.Events {
				assert.Equal(t, key(want.Events[i].(*event.JGBYield)), key(got.Events[i].(*event.JGBYield)), i)
			}
		})
	}
	checkEvents(t, want)
}

func TestMergeEmpty(t *testing.T) {
	got := jgb.Merge(feed.Observations{}, feed.Observations{Events: []event.Event{nil}})
	assert.Empty(t, got.Events)
	assert.Empty(t, got.Warnings)
}
