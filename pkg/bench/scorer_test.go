package bench_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/bench"
)

func TestScorer(t *testing.T) {
	r, err := bench.Scorer(time.Minute, 1)
	require.NoError(t, err)
	assert.Greater(t, r.Events, 10000)
	assert.Positive(t, r.EventsPerSecond)
	assert.GreaterOrEqual(t, r.AllocsPerEvent, 0.0)
	t.Logf("scorer: %.0f events/s, %.3f allocs/event, %.0f B/event over %d events; %d prints, %.1f allocs/print", r.EventsPerSecond, r.AllocsPerEvent, r.BytesPerEvent, r.Events, r.Prints, r.AllocsPerPrint)
}
