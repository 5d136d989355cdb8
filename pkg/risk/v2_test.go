package risk

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

func quote(t time.Time, instrument, unit string, v float64) *event.MarketQuote {
	e := &event.MarketQuote{Meta: event.Meta{Source: "fred", ObservedAt: t}, Instrument: instrument, Value: v, Unit: unit, Kind: "close"}
	event.Seal(e, t)
	return e
}

// marketDays returns n weekdays of synthetic daily inputs from 2025-01-06:
// random walks of every v2 market series, and a yen crash on day crash
// (USDJPY −4 %, BTC −12 %, VIX ×1.8) when crash ≥ 0.
func marketDays(n, crash int) []event.Event {
	return marketDaysFrom(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), n, crash)
}

func marketDaysFrom(d time.Time, n, crash int) []event.Event {
	r := rand.New(rand.NewPCG(1, 2))
	jpy, btc, vix, j2, j10, u2 := 150.0, 90000.0, 15.0, 0.9, 1.7, 4.0
	var out []event.Event
	for i := 0; i < n; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		jpy *= math.Exp(0.006 * r.NormFloat64())
		btc *= math.Exp(0.03 * r.NormFloat64())
		vix = math.Max(9, vix*math.Exp(0.05*r.NormFloat64()))
		j2 += 0.01 * r.NormFloat64()
		j10 += 0.02 * r.NormFloat64()
		u2 += 0.05 * r.NormFloat64()
		if i == crash {
			jpy, btc, vix = jpy*0.96, btc*0.88, vix*1.8
		}
		at := func(h int) time.Time { return d.Add(time.Duration(h) * time.Hour) }
		out = append(out,
			jgb(at(6), "2Y", math.Round(j2*1000)/1000), jgb(at(6), "10Y", math.Round(j10*1000)/1000),
			quote(at(17), "USDJPY", "JPY per USD", math.Round(jpy*100)/100),
			quote(at(21), "UST2Y", "percent", math.Round(u2*100)/100),
			quote(at(21), "BTC-USD", "USD", math.Round(btc*100)/100),
			quote(at(21), "VIX", "points", math.Round(vix*100)/100))
		i++
	}
	return out
}

// applyAll applies events with consecutive sequences and returns every
// print.
func applyAll(m *Model, evs []event.Event) []*event.RiskScore {
	var out []*event.RiskScore
	for i, ev := range evs {
		p, _ := m.Apply(ev, uint64(i+1))
		out = append(out, p)
	}
	return out
}

func TestV2IsTheDefaultAndV1StaysSelectable(t *testing.T) {
	assert.Equal(t, ModelVersionV2, DefaultCalibration().Version())
	v1, err := CalibrationFor("clri-v1")
	require.NoError(t, err)
	assert.Equal(t, ModelVersionV1, v1.Version())
	_, err = CalibrationFor("clri-v9")
	require.ErrorIs(t, err, ErrBadCalibration)
	p, _ := NewModel(v1).Apply(jgb(date(2025, 11, 3, 6, 0), "2Y", 0.9), 1)
	assert.Equal(t, ModelVersionV1, p.ModelVersion)
	p, _ = NewModel(DefaultCalibration()).Apply(jgb(date(2025, 11, 3, 6, 0), "2Y", 0.9), 1)
	assert.Equal(t, ModelVersionV2, p.ModelVersion)
	assert.Equal(t, DefaultCalibration().Hash(), p.CalibrationHash)
}

func TestV2ContributionsSumToTheIndexAndTheRegimeMatchesTheLine(t *testing.T) {
	c := DefaultCalibration()
	thr := c.RegimeThresholds()
	band := map[string][2]float64{
		event.RegimeCalm: {0, thr[0]}, event.RegimeWatch: {thr[0], thr[1]},
		event.RegimeElevated: {thr[1], thr[2]}, event.RegimeStress: {thr[2], 100.0001},
	}
	prints := applyAll(NewModel(c), marketDays(300, 280))
	hyst := c.v2.hysteresis
	maxIdx := 0.0
	for _, p := range prints {
		var sum float64
		for _, b := range p.Blocks {
			sum += b.Contribution
		}
		require.InDelta(t, p.Index, sum, 1e-9, "contributions sum to the index at %s", p.ObservedAt)
		b := band[p.Regime]
		// Hysteresis aside: the line may sit up to `hyst` below its band.
		require.True(t, p.Index >= b[0]-hyst-1e-9 && p.Index < b[1], "index %.2f outside %s band %v at %s", p.Index, p.Regime, b, p.ObservedAt)
		maxIdx = max(maxIdx, p.Index)
	}
	assert.Greater(t, maxIdx, thr[1], "the crash day reaches the elevated band: the scale is not capped")
}

// Every block at s reads 100·s whichever blocks are present: neutral is
// 50 for a scorer that has only heard of the venues (the first minutes of a
// fresh start) as for one with every input, and calm.
func TestV2NeutralReadsFiftyWhateverIsPresent(t *testing.T) {
	m := NewModel(DefaultCalibration())
	at := date(2025, 3, 3, 9, 0)
	hb := &event.Heartbeat{Meta: event.Meta{Source: "scorer", ObservedAt: at}}
	event.Seal(hb, at)
	p, _ := m.Apply(hb, 1)
	require.NotNil(t, p)
	require.Len(t, p.Blocks, 1, "only the venue block, always known")
	assert.Equal(t, "E", p.Blocks[0].Name)
	assert.InDelta(t, 0.5, p.Blocks[0].Score, 1e-12)
	assert.InDelta(t, 50, p.Index, 1e-9, "a lone neutral block")
	assert.Equal(t, event.RegimeCalm, p.Regime, "neutral is not a regime above calm")

	// All six blocks at one score s, with the calibration's correlations.
	var ev evalV2
	for j := range nB2 {
		ev.present[j], ev.blocks[j] = true, 0.5
	}
	idx, contrib := m.v2.aggregate(&ev)
	assert.InDelta(t, 50, idx, 1e-9, "six neutral blocks")
	var sum float64
	for _, c := range contrib {
		sum += c
	}
	assert.InDelta(t, idx, sum, 1e-9)
	for j := range nB2 {
		ev.blocks[j] = 1
	}
	idx, _ = m.v2.aggregate(&ev)
	assert.InDelta(t, 100, idx, 1e-9, "every block at 1 reaches 100")
}

func TestV2SeesAYenCrash(t *testing.T) {
	evs := marketDays(300, 280)
	prints := applyAll(NewModel(DefaultCalibration()), evs)
	var before, on *event.RiskScore
	for i, ev := range evs {
		q, ok := ev.(*event.MarketQuote)
		if !ok || q.Instrument != "USDJPY" {
			continue
		}
		d := q.ObservedAt.Format(time.DateOnly)
		if d == evs[280*6].Header().ObservedAt.Format(time.DateOnly) {
			on = prints[i]
			before = prints[i-1]
		}
	}
	require.NotNil(t, on)
	a4, ok := componentOf(on, "A4")
	require.True(t, ok)
	assert.Greater(t, a4.Score, 0.99, "a 4 %% yen jump is in the history's top 1 %%")
	assert.Contains(t, on.Triggers, TriggerCarryUnwind)
	assert.Greater(t, on.Index, before.Index+5, "the line itself rises on the yen's jump")
}

func TestV2ReplayIsBitIdenticalAndSnapshotsContinue(t *testing.T) {
	evs := marketDays(200, 150)
	evs = append(evs, venue(date(2025, 10, 20, 2, 40), "cme-globex", "halt-1", event.ActionOpen, "halt"),
		flow(date(2025, 10, 17, 0, 0), -5e8, 0), heartbeat(date(2025, 10, 20, 3, 0)))
	a, b := applyAll(NewModel(DefaultCalibration()), evs), applyAll(NewModel(DefaultCalibration()), evs)
	for i := range a {
		ja, _ := json.Marshal(a[i])
		jb, _ := json.Marshal(b[i])
		require.Equal(t, string(ja), string(jb))
	}
	m := NewModel(DefaultCalibration())
	half := len(evs) / 2
	for i, ev := range evs[:half] {
		m.Apply(ev, uint64(i+1))
	}
	snap, err := m.Snapshot()
	require.NoError(t, err)
	r, err := Restore(DefaultCalibration(), snap)
	require.NoError(t, err)
	for i, ev := range evs[half:] {
		p, _ := r.Apply(ev, uint64(half+i+1))
		ja, _ := json.Marshal(p)
		jb, _ := json.Marshal(a[half+i])
		require.Equal(t, string(jb), string(ja), "print %d after restore", half+i)
	}
	_, err = Restore(v1Calibration(), snap)
	require.ErrorIs(t, err, ErrSnapshotMismatch)
}

func TestV2StaleInputsDriftToNeutral(t *testing.T) {
	evs := marketDays(300, 299) // the last day crashes, then nothing
	m := NewModel(DefaultCalibration())
	last := applyAll(m, evs)[len(evs)-1]
	x := blockOf(last, "X")
	require.Greater(t, x.Score, 0.9)
	end := last.ObservedAt
	var p *event.RiskScore
	for k, hb := range heartbeats(end, end.Add(30*24*time.Hour), 6*time.Hour) {
		p, _ = m.Apply(hb, uint64(len(evs)+k+1))
		for _, b := range p.Blocks {
			require.False(t, math.IsNaN(b.Score))
		}
	}
	for _, name := range []string{"A", "D", "X"} {
		b := blockOf(p, name)
		assert.InDelta(t, 0.5, b.Score, 0.01, "block %s after a month without data", name)
		assert.Less(t, b.Freshness, 0.01, name)
	}
}

func TestV2CostBasis(t *testing.T) {
	m := NewModel(DefaultCalibration())
	d := func(day int) time.Time { return time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC) }
	evs := []event.Event{
		quote(d(10).Add(21*time.Hour), "BTC-USD", "USD", 40000),
		quote(d(11).Add(21*time.Hour), "BTC-USD", "USD", 50000),
		flow(d(10), 4e8, 0), // before any later close: pending, then priced at 40k
		quote(d(12).Add(21*time.Hour), "BTC-USD", "USD", 30000),
		flow(d(11), 5e8, 0),  // 10,000 + 10,000 coins for $900m
		flow(d(12), -3e8, 0), // sells 10,000 coins at 30k: basis unchanged
		quote(d(13).Add(21*time.Hour), "BTC-USD", "USD", 30000),
	}
	p := applyAll(m, evs)[len(evs)-1]
	require.NotNil(t, p.ETFCostBasisUSD)
	assert.InDelta(t, 45000, *p.ETFCostBasisUSD, 1e-6)
	c2, ok := componentOf(p, "C2")
	require.True(t, ok)
	assert.Greater(t, c2.Score, 0.5, "price under the cost basis is pain")
	assert.InDelta(t, 100*(30000.0/45000-1), *c2.Raw, 1e-9)
}

func TestCalibrateV2RefusesDataAfterTheCutoff(t *testing.T) {
	evs := marketDaysFrom(time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC), 10, -1)
	_, err := CalibrateV2(FitInput{Events: evs})
	require.NotErrorIs(t, err, ErrAfterCutoff, "December 2023 is inside the calibration window")
	late := quote(time.Date(2024, 1, 1, 21, 0, 0, 0, time.UTC), "VIX", "points", 13)
	_, err = CalibrateV2(FitInput{Events: append(evs, late)})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrAfterCutoff), "%v", err)
}

// A value of a day older than its series' latest is left out, the index as
// it was, and counted, so the scorer can say so.
func TestV2CountsBackDatedObservations(t *testing.T) {
	m := NewModel(DefaultCalibration())
	evs := marketDays(30, -1)
	prints := applyAll(m, evs)
	require.Zero(t, m.Late())
	last := prints[len(prints)-1]

	back := quote(time.Date(2025, 1, 7, 21, 0, 0, 0, time.UTC), "USDJPY", "JPY per USD", 170)
	p, publish := m.Apply(back, uint64(len(evs)+1))
	assert.False(t, publish)
	assert.Equal(t, uint64(1), m.Late())
	assert.InDelta(t, last.Index, p.Index, 1e-12, "the back-dated value moves nothing")

	fresh := quote(time.Date(2025, 3, 3, 17, 0, 0, 0, time.UTC), "USDJPY", "JPY per USD", 150)
	m.Apply(fresh, uint64(len(evs)+2))
	assert.Equal(t, uint64(1), m.Late(), "a new day is not late")
	v1, err := CalibrationFor("clri-v1")
	require.NoError(t, err)
	assert.Zero(t, NewModel(v1).Late(), "v1 does not count")
}
