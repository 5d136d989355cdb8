package scenario_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

var validNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func TestSeqSetMatchesAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 200 {
		var s scenario.SeqSet
		want := map[uint64]bool{}
		for range rng.IntN(200) {
			seq := uint64(1 + rng.IntN(60))
			if trial%2 == 0 {
				seq = uint64(len(want)) + uint64(rng.IntN(3)) // mostly in order, as acks come
			}
			s.Add(seq)
			want[seq] = true
		}
		var got []uint64
		rs := s.Ranges()
		for i, r := range rs {
			require.LessOrEqual(t, r.First, r.Last)
			if i > 0 {
				require.Greater(t, r.First, rs[i-1].Last+1, "ranges are disjoint and not adjacent: %v", rs)
			}
			for q := r.First; q <= r.Last; q++ {
				got = append(got, q)
			}
		}
		var keys []uint64
		for k := range want {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		assert.Equal(t, keys, got)
		assert.Equal(t, uint64(len(keys)), s.Len())
	}
}

func TestSeqSetInOrderIsOneRange(t *testing.T) {
	var s scenario.SeqSet
	for q := uint64(1); q <= 1_000_000; q++ {
		s.Add(q)
	}
	assert.Equal(t, []scenario.SeqRange{{First: 1, Last: 1_000_000}}, s.Ranges())
}

func TestOpenSynthetic(t *testing.T) {
	sc, err := scenario.Open("synthetic:2000", validNow)
	require.NoError(t, err)
	assert.True(t, sc.Generated())
	assert.Equal(t, 2000, sc.Len())
	ids := map[string]bool{}
	var prev event.Event
	for ev := range sc.All() {
		require.NoError(t, ev.Validate(validNow))
		ids[ev.Header().ID] = true
		if prev != nil {
			assert.True(t, ev.Header().ObservedAt.After(prev.Header().ObservedAt), "in event-time order")
		}
		prev = ev
	}
	assert.Len(t, ids, 2000, "distinct events")
	assert.Equal(t, slices.Collect(sc.All()), slices.Collect(sc.All()), "the same events every time")

	for _, bad := range []string{"synthetic:", "synthetic:0", "synthetic:-3", "synthetic:ten"} {
		_, err := scenario.Open(bad, validNow)
		assert.ErrorIs(t, err, scenario.ErrUnknownScenario, bad)
	}
	named, err := scenario.Open("smoke", validNow)
	require.NoError(t, err)
	assert.False(t, named.Generated())
}
