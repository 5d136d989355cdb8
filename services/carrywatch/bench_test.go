package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carrywatch/carrywatch/pkg/bench"
)

// The report says which targets a run reached and by how much it missed
// the others.
func TestBenchTargets(t *testing.T) {
	rep := &benchReport{
		Sink:      bench.SinkResult{Ratio: 0.56},
		Freshness: []bench.FreshnessResult{{Rate: 1000, P99: 1500, LatencyRatio: 5}, {Rate: 10000, P99: 3000, LatencyRatio: 2}},
		Scorer:    bench.ScorerResult{EventsPerSecond: 1.2e6, AllocsPerEvent: 0.0001},
		Memory:    memoryResult{Growth: 0.25},
	}
	got := map[string]targetResult{}
	for _, r := range targets(rep) {
		got[r.Name] = r
	}
	assert.False(t, got["sink_ratio"].Met)
	assert.InDelta(t, 0.2, got["sink_ratio"].ShortBy, 1e-9, "0.56 is 20 % short of 0.7")
	assert.False(t, got["freshness_p99_us_at_10k"].Met)
	assert.InDelta(t, 0.5, got["freshness_p99_us_at_10k"].ShortBy, 1e-9)
	assert.True(t, got["latency_ratio_at_10k"].Met)
	assert.True(t, got["scorer_eps"].Met)
	assert.True(t, got["scorer_allocs_per_event"].Met)
	assert.False(t, got["rss_growth"].Met)
	assert.InDelta(t, 1.5, got["rss_growth"].ShortBy, 1e-9, "25 % growth is 150 % over a 10 % bound")
}
