package risk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// modelV2 is model clri-v2 (see doc.go, "Model v2"). The Fed path, the ETF
// flow sums and the venue incidents are read through an inner v1 Model,
// whose raw values (not its scores, which v1 fits on later data) v2 scores
// with its own calibration.
type modelV2 struct {
	p      *paramsV2
	inner  *Model
	s      stateV2
	last   numbersV2
	lastOK bool
	// fit, set only while calibrating, sees the statistics as they pass.
	fit *fitHook
	// late counts the observations left out for a day older than their
	// series' latest (not part of the state: a count for this process).
	late uint64
}

// stateV2 is everything model v2 remembers; Snapshot writes it as JSON.
type stateV2 struct {
	Version         string               `json:"model_version"`
	CalibrationHash string               `json:"calibration_hash"`
	Seq             uint64               `json:"seq"`
	Now             int64                `json:"now"`
	Series          [nSeries]dailySeries `json:"series"`
	FedVar          float64              `json:"fed_var"` // EWMA of the daily Fed path move², bp²
	Basis           basisState           `json:"etf_basis"`
	Cov             [nB2][nB2]float64    `json:"cov"`
	Samples         []sampleV2           `json:"samples"`
	Regime          int                  `json:"regime"`
	Pub             pubState             `json:"published"`
	Inner           state                `json:"inner"`
}

// sampleV2 is the block contributions at one print, for the drivers.
type sampleV2 struct {
	Ms      int64        `json:"ms"`
	Contrib [nB2]float64 `json:"contrib"`
}

// compV2 is one v2 component at one instant: x is the statistic its score
// is the calibration percentile of; raw is the number on the print.
type compV2 struct {
	ok    bool
	x     float64
	score float64
	raw   float64
	asOf  int64
	conf  float64
}

// evalV2 is every v2 component and block at one instant.
type evalV2 struct {
	comps   [nC2]compV2
	blocks  [nB2]float64
	present [nB2]bool
	fresh   [nB2]float64
	fedLive bool
	bleed   bool
}

// numbersV2 is everything a v2 print is built from.
type numbersV2 struct {
	ev      evalV2
	index   float64 // after trigger lifts
	base    float64 // the quadratic form alone
	contrib [nB2]float64
	level   int
	trig    []string
	nRaise  int  // triggers that raise the regime one level each
	pocket  bool // a block at its single-pocket level
}

func newModelV2(p *paramsV2) *modelV2 {
	m := &modelV2{p: p, inner: NewModel(v1Calibration())}
	m.s.Version = ModelVersionV2
	m.s.CalibrationHash = p.hash
	m.s.FedVar = p.fedSeedSD * p.fedSeedSD
	m.s.Cov = p.covSeed
	for i := range m.s.Series {
		m.s.Series[i].Var1 = p.seedSD[i][0] * p.seedSD[i][0]
		m.s.Series[i].Var5 = p.seedSD[i][1] * p.seedSD[i][1]
	}
	return m
}

// knownV2 reports whether ev is an input kind model v2 reads.
func knownV2(ev event.Event) bool {
	switch ev.(type) {
	case *event.JGBYield, *event.MarketQuote, *event.FedOdds, *event.ETFFlow, *event.VenueStatus, *event.Heartbeat:
		return true
	}
	return false
}

// update applies one event: the same contract as Model.Apply.
func (m *modelV2) update(ev event.Event, seq uint64) (valid, publish bool) {
	h, ok := admit(&m.s.Seq, ev, seq, knownV2)
	if !ok {
		return false, false
	}
	obs := h.ObservedAt.UnixMilli()
	if m.s.Now != 0 && day(obs) > day(m.s.Now) {
		m.sampleDay()
	}
	m.lastOK = false
	m.s.Now = max(m.s.Now, obs)
	switch e := ev.(type) {
	case *event.JGBYield:
		switch e.Tenor {
		case "2Y":
			m.addSeries(serJGB2Y, obs, e.YieldPct)
		case "10Y":
			m.addSeries(serJGB10Y, obs, e.YieldPct)
		}
	case *event.MarketQuote:
		switch e.Instrument {
		case "USDJPY":
			m.addSeries(serUSDJPY, obs, e.Value)
		case "UST2Y":
			m.addSeries(serUST2Y, obs, e.Value)
		case "BTC-USD":
			m.addSeries(serBTC, obs, e.Value)
			m.foldBasis()
		case "VIX":
			m.addSeries(serVIX, obs, e.Value)
		}
	case *event.ETFFlow:
		m.inner.update(ev, 0)
		m.addFlow(e)
	default: // Fed odds, venue status, heartbeats
		m.inner.update(ev, 0)
	}
	r := &m.last
	m.numbers(r, m.s.Now, true)
	m.lastOK = true
	m.sampleContrib(r)
	if m.fit != nil {
		m.fit.print(m.s.Now, r)
	}

	pub := &m.s.Pub
	regime := regimes[r.level]
	publish = !pub.Has ||
		math.Abs(r.index-pub.Index) >= m.p.minMove ||
		regime != pub.Regime ||
		!slices.Equal(r.trig, pub.Triggers) ||
		m.s.Now-pub.Ms >= m.p.maxInterval
	if publish {
		*pub = pubState{Has: true, Index: r.index, Regime: regime, Triggers: append(make([]string, 0, len(r.trig)), r.trig...), Ms: m.s.Now}
	}
	return true, publish
}

// addSeries records a daily value and keeps the US–Japan gap current.
func (m *modelV2) addSeries(i int, ms int64, v float64) {
	if !m.addTo(i, day(ms), ms, v) {
		m.late++
		return
	}
	if i != serJGB2Y && i != serUST2Y {
		return
	}
	ust, ok1 := m.s.Series[serUST2Y].last()
	jgb, ok2 := m.s.Series[serJGB2Y].last()
	if ok1 && ok2 {
		asOf := max(m.s.Series[serUST2Y].AsOf, m.s.Series[serJGB2Y].AsOf)
		m.addTo(serGap, day(asOf), asOf, ust-jgb)
	}
}

// addTo adds one value to series i, telling the fit hook the changes of
// the day it makes final.
func (m *modelV2) addTo(i int, d int32, ms int64, v float64) bool {
	s := &m.s.Series[i]
	if m.fit != nil && len(s.Days) > 0 && d > s.Days[len(s.Days)-1] {
		m.fit.seriesFinal(i, s)
	}
	return s.add(d, v, ms, seriesIsPrice[i], m.p.lambda1, m.p.lambda5)
}

// sampleDay takes the once-a-day samples as event time enters a new UTC
// day: the block covariance and the Fed move variance, from the state as
// it stood at the end of the day being left.
func (m *modelV2) sampleDay() {
	ev := m.evaluate(m.s.Now)
	if m.fit != nil {
		m.fit.day(m, &ev)
	}
	lam := m.p.corrLambda
	for i := range nB2 {
		for j := range nB2 {
			if ev.present[i] && ev.present[j] {
				di, dj := ev.blocks[i]-m.p.neutral, ev.blocks[j]-m.p.neutral
				m.s.Cov[i][j] = lam*m.s.Cov[i][j] + (1-lam)*di*dj
			}
		}
	}
	if b1 := ev.comps[c2B1]; b1.ok && ev.fedLive {
		l := m.p.fedLambda
		m.s.FedVar = l*m.s.FedVar + (1-l)*b1.raw*b1.raw
	}
}

// sampleContrib keeps the contributions of recent prints for the drivers:
// at most one sample an hour, none older than the window plus an hour.
func (m *modelV2) sampleContrib(r *numbersV2) {
	const hour = msPerHour
	n := len(m.s.Samples)
	if n == 0 || m.s.Now-m.s.Samples[n-1].Ms >= hour {
		m.s.Samples = append(m.s.Samples, sampleV2{Ms: m.s.Now, Contrib: r.contrib})
	}
	keep := m.s.Now - m.p.driverWindow - hour
	k := 0
	for k < len(m.s.Samples)-1 && m.s.Samples[k+1].Ms <= keep {
		k++
	}
	m.s.Samples = m.s.Samples[k:]
}

// evaluate computes every component and block at now; it does not change
// the state.
func (m *modelV2) evaluate(now int64) evalV2 {
	p := m.p
	var ev evalV2
	c := &ev.comps
	ser := &m.s.Series

	// A2: the larger |5-day change| of the JGB 2Y and 10Y in sd units.
	for _, i := range []int{serJGB2Y, serJGB10Y} {
		z, ok := ser[i].z(5, false, p.minSD[i])
		if ok && (!c[c2A2].ok || math.Abs(z) > c[c2A2].x) {
			ch, _ := ser[i].change(5, false)
			c[c2A2] = compV2{ok: true, x: math.Abs(z), raw: ch, asOf: ser[i].AsOf, conf: p.fresh[i].conf(ser[i].AsOf, now)}
		}
	}
	// A3: the US–Japan 2-year gap narrowing over 5 observations.
	if z, ok := ser[serGap].z(5, false, p.minSD[serGap]); ok {
		g, _ := ser[serGap].last()
		c[c2A3] = compV2{ok: true, x: -z, raw: g, asOf: ser[serGap].AsOf, conf: p.fresh[serGap].conf(ser[serGap].AsOf, now)}
	}
	// A4 and D3: a fall over 1 or 5 observations in sd units.
	c[c2A4] = m.fallShock(serUSDJPY, now)
	c[c2D3] = m.fallShock(serBTC, now)
	// D1: BTC below its 90-day high.
	btc := &ser[serBTC]
	if last, ok := btc.last(); ok && len(btc.Vals) >= 20 {
		hi := slices.Max(btc.window(90))
		x := -math.Log(last / hi)
		c[c2D1] = compV2{ok: true, x: x, raw: 100 * x, asOf: btc.AsOf, conf: p.fresh[serBTC].conf(btc.AsOf, now)}
	}
	// D2: BTC's 10-day realized volatility against its 250-day one.
	if short, ok := btc.rmsReturn(10); ok {
		if long, ok := btc.rmsReturn(250); ok && long > 0 && short > 0 {
			c[c2D2] = compV2{ok: true, x: math.Log(short / long), raw: 100 * short * math.Sqrt(365), asOf: btc.AsOf, conf: p.fresh[serBTC].conf(btc.AsOf, now)}
		}
	}
	// X1: VIX against its 250-day mean.
	vix := &ser[serVIX]
	if last, ok := vix.last(); ok && len(vix.Vals) >= 20 {
		w := vix.window(250)
		var sum float64
		for _, v := range w {
			sum += v
		}
		c[c2X1] = compV2{ok: true, x: math.Log(last / (sum / float64(len(w)))), raw: last, asOf: vix.AsOf, conf: p.fresh[serVIX].conf(vix.AsOf, now)}
	}
	// B1, B2: the Fed path over the next meetings, read through v1.
	b1, b2, live := m.inner.fedComponents(now)
	ev.fedLive = live
	if b1.ok {
		sd := math.Max(math.Sqrt(m.s.FedVar), p.fedMinSD)
		c[c2B1] = compV2{ok: true, x: b1.raw / sd, raw: b1.raw, asOf: b1.asOf, conf: p.fedFresh.conf(b1.asOf, now)}
	}
	if b2.ok {
		c[c2B2] = compV2{ok: true, x: b2.raw, raw: b2.raw, asOf: b2.asOf, conf: p.fedFresh.conf(b2.asOf, now)}
	}
	// C1: the 5-session flow against the spec's ETF_BLEED scale.
	if f := m.inner.s.ETF.C1; f != nil {
		z := -f.SumUSD / p.c1SDUSD
		if f.AUMKnown {
			z = f.OutflowPct / p.c1SDPct
		}
		c[c2C1] = compV2{ok: true, x: z, score: phi(z), raw: f.SumUSD, asOf: f.AsOf, conf: p.etfFresh.conf(f.AsOf, now)}
		ev.bleed = m.inner.etfBleed()
	}
	// C2: BTC against the ETF holders' cost basis, in sd units of BTC over
	// the horizon.
	if basis, ok := m.s.Basis.basis(); ok {
		if spot, ok := btc.last(); ok {
			sd := math.Max(math.Sqrt(btc.Var1), p.minSD[serBTC]) * math.Sqrt(p.basisHorizon)
			z := math.Log(spot/basis) / sd
			c[c2C2] = compV2{ok: true, x: z, score: phi(-z), raw: 100 * (spot/basis - 1), asOf: btc.AsOf, conf: p.fresh[serBTC].conf(btc.AsOf, now)}
		}
	}
	// E1, E2: venues, 0.5 (no incident, the usual day) up to 1.
	e1, e2 := m.inner.venueComponents(now)
	c[c2E1] = compV2{ok: true, x: e1.score, score: 0.5 + 0.5*e1.score, raw: e1.raw, asOf: e1.asOf, conf: 1}
	if e2.ok {
		c[c2E2] = compV2{ok: true, x: e2.score, score: 0.5 + 0.5*e2.score, raw: e2.raw, asOf: e2.asOf, conf: 1}
	}

	var wsum, ssum [nB2]float64
	var n [nB2]int
	for i := range c {
		ci := &c[i]
		if !ci.ok {
			continue
		}
		if c2Fitted[i] {
			ci.score = p.ecdf[i].percentile(ci.x)
		}
		b := c2Block[i]
		used := ci.conf*ci.score + (1-ci.conf)*p.neutral
		wsum[b] += ci.conf
		ssum[b] += ci.conf * used
		ev.fresh[b] += ci.conf
		n[b]++
	}
	for b := range nB2 {
		if n[b] == 0 {
			continue
		}
		ev.present[b] = true
		ev.blocks[b] = p.neutral
		if wsum[b] > 0 {
			ev.blocks[b] = clamp01(ssum[b] / wsum[b])
		}
		ev.fresh[b] = clamp01(ev.fresh[b] / float64(n[b]))
	}
	return ev
}

// fallShock is the larger fall of series i over 1 or 5 observations, in
// units of its EWMA sd (positive = a fall).
func (m *modelV2) fallShock(i int, now int64) compV2 {
	s := &m.s.Series[i]
	z1, ok1 := s.z(1, true, m.p.minSD[i])
	z5, ok5 := s.z(5, true, m.p.minSD[i])
	if !ok1 || !ok5 {
		return compV2{}
	}
	r, _ := s.change(1, true)
	return compV2{ok: true, x: max(-z1, -z5), raw: 100 * r, asOf: s.AsOf, conf: m.p.fresh[i].conf(s.AsOf, now)}
}

// correlation returns C: the EWMA correlation of block scores, seeded from
// the calibration history, negatives floored at 0.
func (m *modelV2) correlation() [nB2][nB2]float64 {
	var c [nB2][nB2]float64
	cov := &m.s.Cov
	for i := range nB2 {
		c[i][i] = 1
		for j := range nB2 {
			if i != j && cov[i][i] > 0 && cov[j][j] > 0 {
				c[i][j] = clamp01(cov[i][j] / math.Sqrt(cov[i][i]*cov[j][j]))
			}
		}
	}
	return c
}

// aggregate returns CLRI = 100·√I over the present blocks, their weights
// rescaled to sum to 1, and each block's exact contribution.
func (m *modelV2) aggregate(ev *evalV2) (float64, [nB2]float64) {
	c := m.correlation()
	var wsum float64
	for j := range nB2 {
		if ev.present[j] {
			wsum += m.p.weights[j]
		}
	}
	var w, v, u, contrib [nB2]float64
	if wsum == 0 {
		return 0, contrib
	}
	for j := range nB2 {
		if ev.present[j] {
			w[j] = m.p.weights[j] / wsum
			v[j] = w[j] * ev.blocks[j]
		}
	}
	// in is the quadratic form at the scores, top its value with every
	// present block at 1: the index is 100·√(in/top), so every block at s
	// reads 100·s whichever blocks are present and however they correlate
	// (a lone neutral block and six neutral blocks both read 50).
	var in, top float64
	for i := range nB2 {
		var t float64
		for j := range nB2 {
			u[i] += c[i][j] * v[j]
			t += c[i][j] * w[j]
		}
		in += v[i] * u[i]
		top += w[i] * t
	}
	if in <= 0 || top <= 0 {
		return 0, contrib
	}
	idx := math.Min(100, 100*math.Sqrt(in/top))
	for j := range nB2 {
		contrib[j] = v[j] * u[j] / in * idx
	}
	return idx, contrib
}

// numbers computes the print's numbers at now into r; with updateRegime it
// moves the hysteresis level.
func (m *modelV2) numbers(r *numbersV2, now int64, updateRegime bool) {
	p := m.p
	r.ev = m.evaluate(now)
	r.base, r.contrib = m.aggregate(&r.ev)
	level := m.s.Regime
	if updateRegime {
		level = nextLevel(level, r.base, p.thresholds, p.hysteresis)
		m.s.Regime = level
	}
	c := &r.ev.comps
	type firing struct {
		name  string
		block int
	}
	var fired []firing
	if c[c2E1].ok && c[c2E1].x >= p.venueDownE1 {
		fired = append(fired, firing{TriggerVenueDown, b2E})
	}
	if b1 := c[c2B1]; b1.ok && r.ev.fedLive && b1.raw >= p.policyBP && b1.score >= p.tail && b1.conf >= p.minConf {
		fired = append(fired, firing{TriggerPolicyShock, b2B})
	}
	if c[c2C1].ok && r.ev.bleed && c[c2C1].conf >= p.minConf {
		fired = append(fired, firing{TriggerETFBleed, b2C})
	}
	if a := c[c2A4]; (a.ok && a.score >= p.tail && a.conf >= p.minConf) || (c[c2A2].ok && c[c2A2].score >= p.tail && c[c2A2].conf >= p.minConf) {
		fired = append(fired, firing{TriggerCarryUnwind, b2A})
	}
	if d := c[c2D3]; d.ok && d.score >= p.tail && d.conf >= p.minConf {
		fired = append(fired, firing{TriggerCryptoCrash, b2D})
	}
	raised := min(len(regimes)-1, level+len(fired))
	r.nRaise, r.pocket = len(fired), false
	for j := range nB2 {
		if r.ev.present[j] && r.ev.blocks[j] >= p.singlePocket[j] {
			r.pocket = true
			fired = append(fired, firing{TriggerSinglePocket + b2Names[j], j})
			raised = max(raised, 2)
		}
	}
	r.level = raised
	r.index = r.base
	// A trigger that lifts the regime lifts the line to the regime's entry
	// threshold; the lift is shared by the blocks that fired.
	if raised > level && r.index < p.thresholds[raised-1] {
		lift := p.thresholds[raised-1] - r.index
		r.index = p.thresholds[raised-1]
		for _, f := range fired {
			r.contrib[f.block] += lift / float64(len(fired))
		}
	}
	r.trig = r.trig[:0]
	for _, f := range fired {
		r.trig = append(r.trig, f.name)
	}
	slices.Sort(r.trig)
}

// current returns the print at the current state (nil before any event).
func (m *modelV2) current() *event.RiskScore {
	if m.s.Now == 0 {
		return nil
	}
	if !m.lastOK {
		m.numbers(&m.last, m.s.Now, false)
		m.lastOK = true
	}
	return m.build(m.s.Now, &m.last)
}

// build returns the sealed print of r at now.
func (m *modelV2) build(now int64, r *numbersV2) *event.RiskScore {
	t := time.UnixMilli(now).UTC()
	rs := &event.RiskScore{
		Meta:            event.Meta{Source: "scorer", ObservedAt: t, IngestedAt: t},
		Index:           r.index,
		Regime:          regimes[r.level],
		Triggers:        append(make([]string, 0, len(r.trig)), r.trig...),
		Drivers:         m.drivers(now, r),
		ModelVersion:    ModelVersionV2,
		CalibrationHash: m.p.hash,
		Watermark:       event.Watermark{StreamSeq: m.s.Seq, EventTime: t},
	}
	for j := range nB2 {
		if r.ev.present[j] {
			rs.Blocks = append(rs.Blocks, event.Block{Name: b2Names[j], Score: r.ev.blocks[j], Contribution: r.contrib[j], Freshness: r.ev.fresh[j]})
		}
	}
	rs.Components = []event.Component{}
	for i := range r.ev.comps {
		cv := &r.ev.comps[i]
		if !cv.ok {
			continue
		}
		raw := cv.raw
		rs.Components = append(rs.Components, event.Component{
			Name:       c2Names[i],
			Block:      b2Names[c2Block[i]],
			Raw:        &raw,
			Score:      clamp01(cv.score),
			AsOf:       time.UnixMilli(cv.asOf).UTC(),
			AgeSeconds: float64(max(0, now-cv.asOf)) / 1000,
			Confidence: clamp01(cv.conf),
		})
	}
	setCostBasis(rs, m.s.Basis)
	event.Seal(rs, t)
	return rs
}

// drivers returns the top-3 present blocks: those whose contribution rose
// by at least min_rise over the drivers window, largest rise first, then
// the others by contribution.
func (m *modelV2) drivers(now int64, r *numbersV2) []string {
	var ref []float64
	for i := range m.s.Samples {
		sm := &m.s.Samples[i]
		if sm.Ms <= now-m.p.driverWindow || ref == nil {
			ref = sm.Contrib[:]
		}
	}
	return rankDrivers([]string{}, b2Names[:], r.contrib[:], ref, r.ev.present[:], m.p.driverRise)
}

// restore replaces the state with a snapshot's, under the same checks as
// Restore for v1.
func (m *modelV2) restore(data []byte) error {
	var s stateV2
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data", ErrBadSnapshot)
	}
	if s.Version != ModelVersionV2 {
		return &SnapshotMismatchError{Field: "model_version", Want: ModelVersionV2, Got: s.Version}
	}
	if s.CalibrationHash != m.p.hash {
		return &SnapshotMismatchError{Field: "calibration_hash", Want: m.p.hash, Got: s.CalibrationHash}
	}
	if s.Regime < 0 || s.Regime >= len(regimes) {
		return fmt.Errorf("%w: regime level %d", ErrBadSnapshot, s.Regime)
	}
	m.s = s
	m.inner.s = s.Inner
	m.lastOK = false
	return nil
}
