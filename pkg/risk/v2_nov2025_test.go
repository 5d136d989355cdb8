package risk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// November 2025 under clri-v2: the line itself moves with the seed story.
func TestV2Nov2025TheLineMoves(t *testing.T) {
	c := DefaultCalibration()
	steps := replay(NewModel(c), nov2025Input(t), 0)
	halt, haltEnd := date(2025, 11, 28, 2, 40), date(2025, 11, 28, 13, 30)
	thr := c.RegimeThresholds()
	lower := map[string]float64{event.RegimeCalm: 0, event.RegimeWatch: thr[0], event.RegimeElevated: thr[1], event.RegimeStress: thr[2]}
	upper := map[string]float64{event.RegimeCalm: thr[0], event.RegimeWatch: thr[1], event.RegimeElevated: thr[2], event.RegimeStress: 100.0001}

	var beforeHalt, last19 *event.RiskScore
	maxHalt, maxFed := 0.0, 0.0
	cScore := map[string]float64{}
	for _, s := range steps {
		p := s.print
		if p == nil {
			continue
		}
		at := p.ObservedAt
		require.Less(t, p.Index, upper[p.Regime], "index above its %s band at %s", p.Regime, at)
		require.GreaterOrEqual(t, p.Index, lower[p.Regime]-c.v2.hysteresis-1e-9, "index below its %s band at %s", p.Regime, at)
		switch {
		case at.Before(halt):
			beforeHalt = p
		case !at.After(haltEnd):
			maxHalt = max(maxHalt, p.Index)
			if !at.Before(halt.Add(time.Minute)) && at.Before(haltEnd) {
				assert.Equal(t, "E", p.Drivers[0], "E leads while the CME is halted (%s)", at)
			}
		}
		if at.Format(time.DateOnly) == "2025-11-19" {
			last19 = p
		}
		if d := at.Format(time.DateOnly); d >= "2025-11-20" && d <= "2025-11-22" {
			maxFed = max(maxFed, p.Index)
		}
		cScore[at.Format(time.DateOnly)] = blockOf(p, "C").Score
	}
	require.NotNil(t, beforeHalt)
	require.NotNil(t, last19)
	assert.GreaterOrEqual(t, maxHalt, beforeHalt.Index+5, "the CME halt lifts the line")
	assert.GreaterOrEqual(t, maxFed, last19.Index+3, "the 20–22 Nov Fed repricing lifts the line")
	assert.Greater(t, cScore["2025-11-18"], cScore["2025-11-12"]+0.2, "C rises mid-November with the record outflows")
}
