package risk

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// Cutoff is the last day of the calibration history: every number model v2
// fits comes from data dated on or before it; later data only judges it.
var Cutoff = time.Date(2023, time.December, 31, 0, 0, 0, 0, time.UTC)

// ErrAfterCutoff means a calibration input is dated after Cutoff.
var ErrAfterCutoff = errors.New("calibration input after the cut-off")

// FitInput is what CalibrateV2 fits on.
type FitInput struct {
	// Events are the history as input events (market quotes, JGB yields,
	// Fed odds), in observation-time order, none after Cutoff.
	Events []event.Event
	// Inputs identify the files the events were read from; they are
	// recorded in the calibration file.
	Inputs []InputFile
}

// specV2 is the structural part of model v2: choices argued in doc.go, not
// fitted. CalibrateV2 writes them into the file next to what it fits.
func specV2() calFileV2 {
	var f calFileV2
	f.ModelVersion = ModelVersionV2
	f.Cutoff = Cutoff.Format(time.DateOnly)
	// Carry is the product's subject and carries the most weight; Fed,
	// ETF, crypto and cross-asset weigh alike; venues are event-driven and
	// reach the line mostly through VENUE_DOWN.
	f.Weights = map[string]float64{"A": 0.30, "B": 0.15, "C": 0.15, "D": 0.15, "E": 0.10, "X": 0.15}
	f.Aggregation.Neutral = 0.5
	f.Aggregation.CorrelationLambda = 0.93 // CISS
	f.Regimes.Hysteresis = 3
	f.Regimes.TargetShares = map[string]float64{"watch_or_above": 0.25, "elevated_or_above": 0.08, "stress": 0.02}
	f.Publish.MinMove = 0.5
	f.Publish.MaxInterval = "1h"
	f.Drivers.Window = "24h"
	f.Drivers.MinRise = 1.0
	f.Series.Lambda1 = 0.94 // RiskMetrics daily
	f.Series.Lambda5 = 0.97 // v1's A2: overlapping 5-day changes
	f.Series.MinSD = map[string]float64{
		"JGB2Y": 1, "JGB10Y": 1, "UST2Y": 1, "GAP2Y": 1, // bp
		"USDJPY": 0.001, "BTC-USD": 0.005, "VIX": 0.01, // log return
	}
	f.Fed.Lambda = 0.94
	f.Fed.MinSDBP = 2
	// ETF_BLEED's 1.5 % of AUM (or $2 bn) in 5 sessions reads as 2 sd.
	f.ETF.C1SDPctAUM = 0.75
	f.ETF.C1SDUSD = 1e9
	f.ETF.BasisHorizonD = 20
	f.Triggers.Tail = 0.99
	f.Triggers.PolicyShockBP = 10
	f.Triggers.VenueDownE1 = 0.2
	f.Triggers.MinConfidence = 0.5
	daily := func(clock string) *freshFile {
		return &freshFile{Clock: clock, Cadence: "24h", Grace: "24h", HalfLife: "48h"}
	}
	f.Freshness = map[string]*freshFile{
		"jgb": daily("business"), "fx": daily("business"), "rates": daily("business"),
		"vix": daily("business"), "fed": daily("business"), "crypto": daily("calendar"),
		"etf": {Clock: "business", Cadence: "24h", Grace: "18h", HalfLife: "48h"},
	}
	return f
}

// fitHook collects the statistics CalibrateV2 fits, on Monday–Friday
// only (BTC's weekend days would count Friday's other inputs twice).
type fitHook struct {
	sq     [nSeries][2]float64
	cnt    [nSeries][2]int
	fedSq  float64
	fedN   int
	xs     [nC2][]float64
	blocks [nB2][]float64
	cov    [nB2][nB2]float64
	covN   [nB2][nB2]int
	prints []fitPrint
	dayEnd []float64
}

// fitPrint is what the regime of one print depends on besides the
// thresholds.
type fitPrint struct {
	day    int32
	base   float64
	nRaise int
	pocket bool
}

func (h *fitHook) seriesFinal(i int, s *dailySeries) {
	if weekday(s.Days[len(s.Days)-1]) >= 5 {
		return
	}
	for k, w := range []int{1, 5} {
		if c, ok := s.change(w, seriesIsPrice[i]); ok {
			h.sq[i][k] += c * c
			h.cnt[i][k]++
		}
	}
}

func (h *fitHook) day(m *modelV2, ev *evalV2) {
	if weekday(day(m.s.Now)) >= 5 {
		return
	}
	if b1 := ev.comps[c2B1]; b1.ok && ev.fedLive {
		h.fedSq += b1.raw * b1.raw
		h.fedN++
	}
	for i, c := range ev.comps {
		if c.ok && c2Fitted[i] {
			h.xs[i] = append(h.xs[i], c.x)
		}
	}
	for i := range nB2 {
		if !ev.present[i] {
			continue
		}
		h.blocks[i] = append(h.blocks[i], ev.blocks[i])
		for j := range nB2 {
			if ev.present[j] {
				h.cov[i][j] += (ev.blocks[i] - 0.5) * (ev.blocks[j] - 0.5)
				h.covN[i][j]++
			}
		}
	}
	base, _ := m.aggregate(ev)
	h.dayEnd = append(h.dayEnd, base)
}

func (h *fitHook) print(ms int64, r *numbersV2) {
	h.prints = append(h.prints, fitPrint{day: day(ms), base: r.base, nRaise: r.nRaise, pocket: r.pocket})
}

// CalibrateV2 fits model v2 on the history and returns the calibration
// file. The same input gives the same bytes. It refuses an event dated
// after Cutoff with ErrAfterCutoff. The passes:
//  1. the RMS of every series' 1- and 5-observation changes and of the
//     daily Fed path move seed the EWMA variances;
//  2. each fitted component's statistic, sampled at the end of every
//     weekday, gives its empirical distribution (the score is its
//     percentile, as in the ECB's CISS);
//  3. the block scores give the covariance C starts from, and each
//     block's 99.5th percentile its single-pocket level;
//  4. the index replayed with those gives the regime thresholds: the
//     lowest percentiles of the weekday index at which the share of
//     weekdays in each regime (triggers and hysteresis included) is within
//     the target shares.
func CalibrateV2(in FitInput) ([]byte, error) {
	for _, ev := range in.Events {
		if t := ev.Header().ObservedAt; t.UTC().Truncate(24 * time.Hour).After(Cutoff) {
			return nil, fmt.Errorf("%w: %s %s observed %s", ErrAfterCutoff, ev.SchemaName(), ev.Key(), t.UTC().Format(time.RFC3339))
		}
	}
	f := specV2()
	f.Inputs = in.Inputs
	f.SinglePocket = map[string]float64{}
	f.Series.SeedSD = map[string]flowRow{}
	for _, name := range seriesNames {
		f.Series.SeedSD[name] = flowRow{1, 1}
	}
	f.Fed.SeedSDBP = 1
	f.Regimes.Thresholds = []float64{50, 60, 70}
	f.Aggregation.CovarianceSeed = make([]flowRow, nB2)
	for i := range f.Aggregation.CovarianceSeed {
		f.Aggregation.CovarianceSeed[i] = make(flowRow, nB2)
	}
	for _, name := range b2Names {
		f.SinglePocket[name] = 0.95 // the v1 level, for blocks the history lacks
	}
	f.Components = map[string][]flowRow{}
	for i, name := range c2Names {
		if c2Fitted[i] {
			f.Components[name] = []flowRow{{0, -1e9}, {1, 1e9}}
		}
	}

	// Pass 1: variance seeds.
	h, err := replayFit(&f, in.Events)
	if err != nil {
		return nil, err
	}
	for i, name := range seriesNames {
		sd := make(flowRow, 2)
		for k := range 2 {
			if h.cnt[i][k] == 0 {
				return nil, fmt.Errorf("calibrate: series %s has no changes in the history", name)
			}
			sd[k] = round(math.Sqrt(h.sq[i][k]/float64(h.cnt[i][k])), 4)
		}
		f.Series.SeedSD[name] = sd
	}
	if h.fedN == 0 {
		return nil, fmt.Errorf("calibrate: no Fed path in the history")
	}
	f.Fed.SeedSDBP = round(math.Sqrt(h.fedSq/float64(h.fedN)), 4)

	// Pass 2: component distributions.
	if h, err = replayFit(&f, in.Events); err != nil {
		return nil, err
	}
	for i, name := range c2Names {
		if !c2Fitted[i] {
			continue
		}
		if len(h.xs[i]) < 250 {
			return nil, fmt.Errorf("calibrate: component %s has %d weekdays in the history, want at least 250", name, len(h.xs[i]))
		}
		f.Components[name] = ecdfKnots(h.xs[i])
	}

	// Pass 3: covariance seed and single-pocket levels.
	if h, err = replayFit(&f, in.Events); err != nil {
		return nil, err
	}
	for i := range nB2 {
		for j := range nB2 {
			if h.covN[i][j] > 0 {
				f.Aggregation.CovarianceSeed[i][j] = round(h.cov[i][j]/float64(h.covN[i][j]), 6)
			}
		}
		if len(h.blocks[i]) >= 250 && i != b2E {
			f.SinglePocket[b2Names[i]] = min(0.999, max(0.9, round(quantile(h.blocks[i], 0.995), 3)))
		}
	}

	// Pass 4: regime thresholds.
	if h, err = replayFit(&f, in.Events); err != nil {
		return nil, err
	}
	thr, shares := fitThresholds(h, f.Regimes.Hysteresis, f.Regimes.TargetShares)
	f.Regimes.Thresholds = thr[:]
	f.Regimes.Shares = shares
	return marshalV2(&f)
}

// replayFit replays events through a model built from f with a fit hook.
func replayFit(f *calFileV2, events []event.Event) (*fitHook, error) {
	data, err := yaml.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	p, err := parseV2(data)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	m := newModelV2(p)
	m.fit = &fitHook{}
	for _, ev := range events {
		m.update(ev, 0)
	}
	m.sampleDay()
	return m.fit, nil
}

// ecdfKnots returns the empirical distribution of xs as [probability,
// value] knots: every half percentile and the top tail more finely. Runs
// of equal values become one knot at their mean probability (0 or 1 at the
// ends), so both columns strictly increase.
func ecdfKnots(xs []float64) []flowRow {
	s := slices.Clone(xs)
	slices.Sort(s)
	var ps []float64
	for k := 0; k < 198; k++ {
		ps = append(ps, float64(k)/200)
	}
	ps = append(ps, 0.99, 0.992, 0.994, 0.996, 0.998, 0.999, 1)
	var out []flowRow
	for i := 0; i < len(ps); {
		v := round(quantile(s, ps[i]), 6)
		j := i
		for j+1 < len(ps) && round(quantile(s, ps[j+1]), 6) == v {
			j++
		}
		p := (ps[i] + ps[j]) / 2
		switch {
		case i == 0:
			p = 0
		case j == len(ps)-1:
			p = 1
		}
		if n := len(out); n > 0 && out[n-1][1] >= v {
			i = j + 1
			continue
		}
		out = append(out, flowRow{round(p, 4), v})
		i = j + 1
	}
	if out[len(out)-1][0] != 1 {
		out[len(out)-1][0] = 1
	}
	return out
}

// quantile returns the p-quantile of sorted-or-not xs (nearest rank on a
// sorted copy when not sorted).
func quantile(xs []float64, p float64) float64 {
	s := xs
	if !slices.IsSorted(s) {
		s = slices.Clone(xs)
		slices.Sort(s)
	}
	i := int(math.Round(p * float64(len(s)-1)))
	return s[i]
}

// round rounds x to d decimals.
func round(x float64, d int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', d, 64), 64)
	return v
}

// regimeShares simulates the regime of every print under thresholds thr
// and returns, over weekdays, the share whose highest regime is at least
// watch, at least elevated, and stress.
func regimeShares(h *fitHook, thr [3]float64, hyst float64) [3]float64 {
	level := 0
	var counts [3]int
	n := 0
	curDay, dayMax := int32(-1), -1
	flush := func() {
		if curDay >= 0 && weekday(curDay) < 5 {
			n++
			for k := 1; k <= 3; k++ {
				if dayMax >= k {
					counts[k-1]++
				}
			}
		}
	}
	for _, pr := range h.prints {
		if pr.day != curDay {
			flush()
			curDay, dayMax = pr.day, -1
		}
		level = nextLevel(level, pr.base, thr, hyst)
		raised := min(3, level+pr.nRaise)
		if pr.pocket {
			raised = max(raised, 2)
		}
		dayMax = max(dayMax, raised)
	}
	flush()
	var out [3]float64
	for k := range out {
		out[k] = float64(counts[k]) / float64(max(1, n))
	}
	return out
}

// fitThresholds searches the thresholds, as percentiles of the weekday
// index, stress first, then elevated, then watch, twice over.
func fitThresholds(h *fitHook, hyst float64, target map[string]float64) ([3]float64, map[string]float64) {
	s := slices.Clone(h.dayEnd)
	slices.Sort(s)
	q := func(p float64) float64 { return round(quantile(s, p), 1) }
	thr := [3]float64{q(0.75), q(0.93), q(0.985)}
	want := [3]float64{target["watch_or_above"], target["elevated_or_above"], target["stress"]}
	for range 2 {
		for _, k := range []int{2, 1, 0} {
			for p := 0.30; p <= 0.9995; p += 0.0025 {
				c := thr
				c[k] = q(p)
				if (k > 0 && c[k] <= c[k-1]+1) || (k < 2 && c[k] >= c[k+1]-1) {
					continue
				}
				if regimeShares(h, c, hyst)[k] <= want[k] {
					thr = c
					break
				}
			}
		}
	}
	sh := regimeShares(h, thr, hyst)
	return thr, map[string]float64{"watch_or_above": round(sh[0], 4), "elevated_or_above": round(sh[1], 4), "stress": round(sh[2], 4)}
}

// marshalV2 writes the calibration file: a header, then the YAML.
func marshalV2(f *calFileV2) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(v2Header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	if _, err := parseV2(b.Bytes()); err != nil {
		return nil, fmt.Errorf("calibrate: the written file does not parse: %w", err)
	}
	return b.Bytes(), nil
}

const v2Header = `# CLRI model v2 calibration. Written by ` + "`carrywatch calibrate`" + ` from the history files
# listed under inputs (pkg/history/data, every row dated on or before the cut-off); do not
# edit by hand: change the model or the spec in pkg/risk and run the command again. The hex
# SHA-256 (first 16 bytes) of these bytes is the calibration_hash on every v2 print. Units:
# yields and gaps in percent, changes of yields in bp, price changes as log returns,
# durations as Go durations. components: [probability, statistic] knots of each fitted
# component's statistic over the weekdays of the history; a score is the interpolated
# probability. pkg/risk/doc.go ("Model v2") says what each statistic is and why.
`
