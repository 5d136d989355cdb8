package risk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Update then Print gives Apply's publish flags and prints, byte for byte,
// and the same state.
func TestUpdateAndPrintMatchApply(t *testing.T) {
	in := nov2025Input(t)
	in = append(in, in[len(in)/2]) // a redelivery at the end
	a, u := NewModel(v1Calibration()), NewModel(v1Calibration())
	for i, ev := range in {
		seq := uint64(i + 1)
		if i == len(in)-1 {
			seq = uint64(len(in) / 2)
		}
		p, pub := a.Apply(ev, seq)
		got := u.Update(ev, seq)
		require.Equal(t, pub, got, "seq %d", seq)
		require.Equal(t, marshalled(t, p), marshalled(t, u.Print()), "seq %d", seq)
	}
	requireSameState(t, a, u)
}

func TestPrintIsNilBeforeTheFirstValidEvent(t *testing.T) {
	m := NewModel(v1Calibration())
	require.Nil(t, m.Print())
	require.False(t, m.Update(nil, 1))
	require.Nil(t, m.Print())
}

// Prints do not share memory: changing one leaves the next as built.
func TestPrintsAreIndependent(t *testing.T) {
	in := nov2025Input(t)
	m := NewModel(v1Calibration())
	p1, _ := m.Apply(in[0], 1)
	want := marshalled(t, m.Print())
	p1.Triggers = append(p1.Triggers[:0], "X")
	p1.Blocks[0].Score = -1
	*p1.Components[0].Raw = -1
	p1.Drivers[0] = "Z"
	require.Equal(t, want, marshalled(t, m.Print()))
}

// A source publishing odds many times a second keeps one observation per
// minute: the state is bounded by the window, not by the input rate.
func TestFedHistoryKeepsOneObservationPerMinute(t *testing.T) {
	m := NewModel(v1Calibration())
	start := date(2025, time.December, 1, 0, 0)
	const perSecond, minutes = 20, 30
	for i := range perSecond * 60 * minutes {
		at := start.Add(time.Duration(i) * time.Second / perSecond)
		m.Update(odds(at, "2026-01-28", "polymarket", 0.5+0.001*float64(i%7)), uint64(i+1))
	}
	require.Len(t, m.s.Fed.Meetings, 1)
	require.Len(t, m.s.Fed.Meetings[0].Sources, 1)
	obs := m.s.Fed.Meetings[0].Sources[0].Obs
	assert.Len(t, obs, minutes)
	last := start.Add(time.Duration(perSecond*60*minutes-1) * time.Second / perSecond)
	assert.Equal(t, last.UnixMilli(), obs[len(obs)-1].Ms, "the newest observation is kept")
}
