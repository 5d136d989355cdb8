package risk

import (
	"math"
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/fomc"
)

// Blocks, in print order.
const (
	blockA = iota // carry: JGB level and repricing
	blockB        // Fed path
	blockC        // ETF flows
	blockE        // infrastructure
	nBlocks
)

// blockNames are the block names on prints and in the calibration file.
var blockNames = [nBlocks]string{"A", "B", "C", "E"}

// Components, in print order.
const (
	cA1 = iota
	cA2
	cB1
	cB2
	cC1
	cE1
	cE2
	nComps
)

var (
	compNames = [nComps]string{"A1", "A2", "B1", "B2", "C1", "E1", "E2"}
	compBlock = [nComps]int{blockA, blockA, blockB, blockB, blockC, blockE, blockE}
)

// Trigger names.
const (
	TriggerVenueDown   = "VENUE_DOWN"
	TriggerPolicyShock = "POLICY_SHOCK"
	TriggerETFBleed    = "ETF_BLEED"
	TriggerCarryUnwind = "CARRY_UNWIND"
	// TriggerSinglePocket prefixes the block name ("SINGLE_POCKET_E") when
	// that block is at or above the single-pocket level.
	TriggerSinglePocket = "SINGLE_POCKET_"
)

// regimes by level, calmest first.
var regimes = [4]string{event.RegimeCalm, event.RegimeWatch, event.RegimeElevated, event.RegimeStress}

// Model is the CLRI model's state. It is deterministic in event time: the
// same calibration and the same ordered input give the same prints, bit for
// bit. A Model is not safe for concurrent use.
type Model struct {
	// v2 runs model v2 when the calibration is a clri-v2 file; every
	// other field then serves it as its inner v1 machinery.
	v2 *modelV2

	p           *params
	hash        string
	cal         *fomc.Calendar
	meetingDays []int32
	s           state

	// last holds the numbers of the current state when lastOK; it is
	// derived (never snapshotted) and reset by every state change.
	last   numbers
	lastOK bool
	// rangeCache memoizes baseBP by UTC day.
	rangeCache rangeCache
}

// state is everything a Model remembers; Snapshot writes it as JSON.
type state struct {
	Version         string       `json:"model_version"`
	CalibrationHash string       `json:"calibration_hash"`
	Seq             uint64       `json:"seq"`
	Now             int64        `json:"now"` // event time, Unix ms; 0 before the first valid event
	JGB             []tenorState `json:"jgb"`
	Fed             fedState     `json:"fed"`
	ETF             etfState     `json:"etf"`
	Venue           venueState   `json:"venue"`
	Corr            corrState    `json:"corr"`
	Hourly          []hourSample `json:"hourly"`
	Regime          int          `json:"regime"` // level of the index alone, after hysteresis
	Pub             pubState     `json:"published"`
}

// corrState is the EWMA covariance of block scores demeaned at neutral.
type corrState struct {
	Cov [nBlocks][nBlocks]float64 `json:"cov"`
	N   int                       `json:"n"` // daily samples taken
}

// hourSample is the block contributions at one sample boundary.
type hourSample struct {
	Ms      int64            `json:"ms"`
	Contrib [nBlocks]float64 `json:"contrib"`
}

// pubState is the last published print's identity for the publish rule.
type pubState struct {
	Has      bool     `json:"has"`
	Index    float64  `json:"index"`
	Regime   string   `json:"regime"`
	Triggers []string `json:"triggers"`
	Ms       int64    `json:"ms"`
}

// compVal is one component at one instant.
type compVal struct {
	ok    bool // available; absent components are not on the print
	score float64
	raw   float64
	asOf  int64
	conf  float64
}

// NewModel returns an empty model for calibration c (the zero Calibration
// stands for DefaultCalibration()). The FOMC calendar and target-range
// history come from fomc.Shipped(); if it were unreadable (the fomc
// tests rule that out) block B would never have input.
func NewModel(c Calibration) *Model {
	if c = c.resolve(); c.v2 != nil {
		return &Model{v2: newModelV2(c.v2)}
	}
	p := c.params()
	m := &Model{p: p, hash: p.hash}
	if cal, err := fomc.Shipped(); err == nil {
		m.cal = cal
		for _, mt := range cal.Meetings() {
			m.meetingDays = append(m.meetingDays, int32(mt.Date.Unix()/86400))
		}
	}
	m.s.Version = ModelVersionV1
	m.s.CalibrationHash = p.hash
	m.s.Fed.B1Var = p.b1SeedVar
	for i, t := range p.tenors {
		m.s.JGB = append(m.s.JGB, tenorState{Tenor: t, Var: p.a2SeedVar[i], PrevVar: p.a2SeedVar[i]})
	}
	return m
}

// maxDailySamples caps the daily samples taken for one jump of event time;
// older ones would carry a weight below λ^400.
const maxDailySamples = 400

// Apply feeds one input event with its CW_EVENTS stream sequence and
// returns the print as of the model's event time (the newest observed_at
// seen) and whether the publish rule says to publish it: the first print,
// an index move of at least min_move since the last published print, a
// changed regime or trigger set, or max_interval of event time since it.
//
// Events of unknown kinds, events whose values fail validation (checked at
// the later of observed_at and ingested_at, so no wall clock is read; the
// id is not checked, event.ValidateContent, since the model never reads
// it and event.Parse has checked it on the way in), JGB days older
// than the tenor's newest, venue steps older than their incident's newest
// and odds of meetings not upcoming are ignored: they leave the state as it
// was (the sequence still advances) and publish is false. A late FedOdds or
// ETF row is filed in time order; event time never goes back. A sequence at
// or below the last one applied (a redelivery; 0 means "no sequence") is
// ignored entirely. The print is nil only before the first valid event.
//
// Apply builds (and seals) a new print on every call. A caller that only
// needs the prints to publish should call Update, then Print when Update
// returns true: the same state changes and the same prints, without the
// cost of building a print that is not published.
func (m *Model) Apply(ev event.Event, seq uint64) (p *event.RiskScore, publish bool) {
	if m.v2 != nil {
		valid, publish := m.v2.update(ev, seq)
		if !valid {
			return m.v2.current(), false
		}
		return m.v2.build(m.v2.s.Now, &m.v2.last), publish
	}
	valid, publish := m.update(ev, seq)
	if !valid {
		return m.current(), false
	}
	return m.build(m.s.Now, &m.last), publish
}

// Update applies one input event exactly as Apply does and returns Apply's
// publish flag, without building the print; Print returns it. In steady
// state it does not allocate.
func (m *Model) Update(ev event.Event, seq uint64) (publish bool) {
	if m.v2 != nil {
		_, publish = m.v2.update(ev, seq)
		return publish
	}
	_, publish = m.update(ev, seq)
	return publish
}

// Print returns the print at the model's current state, the one Apply
// would have returned for the last event applied (nil before the first
// valid event). Every call builds a new print.
func (m *Model) Print() *event.RiskScore {
	if m.v2 != nil {
		return m.v2.current()
	}
	return m.current()
}

// update is Apply without the print: valid reports whether ev was applied
// (m.last then holds the numbers of the new state).
func (m *Model) update(ev event.Event, seq uint64) (valid, publish bool) {
	if seq != 0 && seq <= m.s.Seq {
		return false, false
	}
	if seq != 0 {
		m.s.Seq = seq
	}
	if ev == nil || !known(ev) {
		return false, false
	}
	h := ev.Header()
	if err := event.ValidateContent(ev, latest(h.ObservedAt, h.IngestedAt)); err != nil {
		return false, false
	}
	m.lastOK = false
	obs := h.ObservedAt.UnixMilli()
	switch {
	case m.s.Now == 0:
		m.s.Now = obs
	case obs > m.s.Now:
		m.advance(obs)
	}
	switch e := ev.(type) {
	case *event.JGBYield:
		m.applyJGB(e)
	case *event.FedOdds:
		m.applyFed(e)
	case *event.ETFFlow:
		m.applyETF(e)
	case *event.VenueStatus:
		m.applyVenue(e)
	}
	m.pruneVenue(m.s.Now)
	r := &m.last
	m.numbers(r, m.s.Now, true)
	m.lastOK = true
	if r.ev.bLive {
		b1, b2 := r.ev.comps[cB1], r.ev.comps[cB2]
		setFrozen(&m.s.Fed.FrozenB1, frozenComp{Score: b1.score, Raw: b1.raw, AsOf: b1.asOf})
		setFrozen(&m.s.Fed.FrozenB2, frozenComp{Score: b2.score, Raw: b2.raw, AsOf: b2.asOf})
	}
	pub := &m.s.Pub
	regime := regimes[r.level]
	triggers := r.triggers()
	publish = !pub.Has ||
		math.Abs(r.ag.clri-pub.Index) >= m.p.minMove ||
		regime != pub.Regime ||
		!slices.Equal(triggers, pub.Triggers) ||
		m.s.Now-pub.Ms >= m.p.maxIntervalMs
	if publish {
		// pub.Triggers is never shared with a print, so its array is reused;
		// it stays non-nil (JSON []) like the print's.
		tr := pub.Triggers
		if tr == nil {
			tr = make([]string, 0, len(r.trig))
		}
		*pub = pubState{Has: true, Index: r.ag.clri, Regime: regime, Triggers: append(tr[:0], triggers...), Ms: m.s.Now}
	}
	return true, publish
}

// setFrozen stores v in *f, reusing the frozenComp already there (it is
// never shared outside the state).
func setFrozen(f **frozenComp, v frozenComp) {
	if *f == nil {
		*f = new(frozenComp)
	}
	**f = v
}

// known reports whether ev is an input kind the model reads.
func known(ev event.Event) bool {
	switch ev.(type) {
	case *event.JGBYield, *event.FedOdds, *event.ETFFlow, *event.VenueStatus, *event.Heartbeat:
		return true
	}
	return false
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// current returns the print at the current state without changing it (nil
// before the first valid event).
func (m *Model) current() *event.RiskScore {
	if m.s.Now == 0 {
		return nil
	}
	if !m.lastOK {
		m.numbers(&m.last, m.s.Now, false)
		m.lastOK = true
	}
	return m.build(m.s.Now, &m.last)
}

// advance moves event time to `to`, taking the daily samples (correlation,
// B1 EWMA) at every UTC midnight and the contribution samples at every
// sample boundary crossed, each evaluated at its boundary instant.
func (m *Model) advance(to int64) {
	from := m.s.Now
	step := m.p.driverSampleMs
	hourStart := max((from/step+1)*step, (to/step)*step-m.p.driverWindowMs-step)
	d0, d1 := day(from)+1, day(to)
	if n := int(d1 - d0 + 1); n > maxDailySamples {
		m.s.Corr.N += n - maxDailySamples
		d0 = d1 - maxDailySamples + 1
	}
	for d := d0; d <= d1 && int64(d)*msPerDay < hourStart; d++ {
		m.sampleDay(int64(d) * msPerDay)
	}
	for h := hourStart; h <= to; h += step {
		if h%msPerDay == 0 && day(h) >= d0 {
			m.sampleDay(h)
		}
		m.sampleHour(h)
	}
	m.s.Now = to
	m.pruneFed()
}

// sampleDay takes the daily samples at midnight t.
func (m *Model) sampleDay(t int64) {
	ev := m.evaluate(t)
	lam := m.p.corrLambda
	var d [nBlocks]float64
	for j := range d {
		d[j] = ev.blocks[j] - m.p.neutral
	}
	for i := range nBlocks {
		for j := range nBlocks {
			m.s.Corr.Cov[i][j] = lam*m.s.Corr.Cov[i][j] + (1-lam)*d[i]*d[j]
		}
	}
	m.s.Corr.N++
	if ev.bLive {
		mv := ev.comps[cB1].raw
		m.s.Fed.B1Var = m.p.b1Lambda*m.s.Fed.B1Var + (1-m.p.b1Lambda)*mv*mv
	}
}

// sampleHour records the contributions at boundary t.
func (m *Model) sampleHour(t int64) {
	ev := m.evaluate(t)
	ag := m.aggregate(ev.blocks)
	m.s.Hourly = append(m.s.Hourly, hourSample{Ms: t, Contrib: ag.contrib})
	keep := t - m.p.driverWindowMs - m.p.driverSampleMs
	k := 0
	for k < len(m.s.Hourly) && m.s.Hourly[k].Ms < keep {
		k++
	}
	m.s.Hourly = m.s.Hourly[k:] // as pruneFed: no copy, append reallocates
}

// evaluation is every component and block at one instant.
type evaluation struct {
	comps     [nComps]compVal
	blocks    [nBlocks]float64
	fresh     [nBlocks]float64
	bLive     bool
	carryHigh bool
}

// evaluate computes components and blocks at now from the state; it does
// not change the state.
func (m *Model) evaluate(now int64) evaluation {
	var ev evaluation
	ev.comps[cA1], ev.comps[cA2], ev.carryHigh = m.carryComponents(now)
	ev.comps[cB1], ev.comps[cB2], ev.bLive = m.fedComponents(now)
	ev.comps[cC1] = m.etfComponent(now)
	ev.comps[cE1], ev.comps[cE2] = m.venueComponents(now)
	neutral := m.p.neutral
	var wsum, ssum, csum [nBlocks]float64
	var n [nBlocks]int
	for i, c := range ev.comps {
		if !c.ok {
			continue
		}
		b := compBlock[i]
		drifted := c.conf*c.score + (1-c.conf)*neutral
		wsum[b] += c.conf
		ssum[b] += c.conf * drifted
		csum[b] += c.conf
		n[b]++
	}
	for b := range nBlocks {
		switch {
		case n[b] == 0 || wsum[b] == 0:
			ev.blocks[b] = neutral
		default:
			ev.blocks[b] = clamp01(ssum[b] / wsum[b])
		}
		if n[b] > 0 {
			ev.fresh[b] = clamp01(csum[b] / float64(n[b]))
		}
	}
	return ev
}

// aggregation is the index and its exact decomposition.
type aggregation struct {
	clri    float64
	contrib [nBlocks]float64
}

// correlation returns C: the identity until correlation_min_samples daily
// samples exist, then the EWMA correlation with negatives floored at 0.
func (m *Model) correlation() [nBlocks][nBlocks]float64 {
	var c [nBlocks][nBlocks]float64
	cov := &m.s.Corr.Cov
	for i := range nBlocks {
		c[i][i] = 1
		if m.s.Corr.N < m.p.corrMinSamples {
			continue
		}
		for j := range nBlocks {
			if i == j || cov[i][i] <= 0 || cov[j][j] <= 0 {
				continue
			}
			c[i][j] = clamp01(cov[i][j] / math.Sqrt(cov[i][i]*cov[j][j]))
		}
	}
	return c
}

// aggregate returns CLRI = 100·√I, I = (w∘s)ᵀ C (w∘s), and the
// contributions w_j s_j (C w∘s)_j / I × CLRI (all 0 when I = 0).
func (m *Model) aggregate(s [nBlocks]float64) aggregation {
	c := m.correlation()
	var v, u [nBlocks]float64
	for j := range v {
		v[j] = m.p.weights[j] * s[j]
	}
	var in float64
	for i := range nBlocks {
		for j := range nBlocks {
			u[i] += c[i][j] * v[j]
		}
		in += v[i] * u[i]
	}
	var a aggregation
	if in <= 0 {
		return a
	}
	a.clri = math.Min(100, 100*math.Sqrt(in))
	for j := range a.contrib {
		a.contrib[j] = v[j] * u[j] / in * a.clri
	}
	return a
}

// numbers is everything a print is built from, except the stream
// sequence: the publish rule reads it without building the print.
type numbers struct {
	ev    evaluation
	ag    aggregation
	level int
	trig  [4 + nBlocks]string // sorted
	nTrig int
}

func (r *numbers) triggers() []string { return r.trig[:r.nTrig] }

// singlePocketTriggers are the SINGLE_POCKET_ trigger names by block.
var singlePocketTriggers = func() (t [nBlocks]string) {
	for j := range t {
		t[j] = TriggerSinglePocket + blockNames[j]
	}
	return t
}()

// numbers computes the numbers at now into r. With updateRegime it moves
// the hysteresis level; otherwise it reads it.
func (m *Model) numbers(r *numbers, now int64, updateRegime bool) {
	p := m.p
	r.ev = m.evaluate(now)
	r.ag = m.aggregate(r.ev.blocks)

	level := m.s.Regime
	if updateRegime {
		level = nextLevel(level, r.ag.clri, p.thresholds, p.hysteresis)
		m.s.Regime = level
	}
	n := 0
	c := &r.ev.comps
	if c[cE1].ok && c[cE1].score >= p.venueDownE1 {
		r.trig[n] = TriggerVenueDown
		n++
	}
	if r.ev.bLive && c[cB1].raw >= p.policyShockBP && c[cB1].conf >= p.minConfidence {
		r.trig[n] = TriggerPolicyShock
		n++
	}
	if c[cC1].ok && m.etfBleed() && c[cC1].conf >= p.minConfidence {
		r.trig[n] = TriggerETFBleed
		n++
	}
	if c[cA2].ok && c[cA2].score >= p.cuA2Min && r.ev.carryHigh && c[cA2].conf >= p.minConfidence {
		r.trig[n] = TriggerCarryUnwind
		n++
	}
	level = min(len(regimes)-1, level+n)
	for j, s := range r.ev.blocks {
		if s >= p.singlePocket {
			r.trig[n] = singlePocketTriggers[j]
			n++
			level = max(level, 2)
		}
	}
	r.nTrig = n
	slices.Sort(r.trig[:n])
	r.level = level
}

// printBuf holds a print and everything its slices and pointers refer to,
// so that a print is one allocation (plus Seal's).
type printBuf struct {
	rs      event.RiskScore
	trig    [4 + nBlocks]string
	drivers [3]string
	blocks  [nBlocks]event.Block
	comps   [nComps]event.Component
	raws    [nComps]float64
}

// build returns the sealed print of r at now.
func (m *Model) build(now int64, r *numbers) *event.RiskScore {
	b := new(printBuf)
	t := time.UnixMilli(now).UTC()
	triggers := b.trig[:r.nTrig]
	copy(triggers, r.triggers())
	rs := &b.rs
	*rs = event.RiskScore{
		Meta:            event.Meta{Source: "scorer", ObservedAt: t, IngestedAt: t},
		Index:           r.ag.clri,
		Regime:          regimes[r.level],
		Triggers:        triggers,
		Drivers:         m.drivers(b.drivers[:0], now, &r.ag),
		ModelVersion:    ModelVersionV1,
		CalibrationHash: m.hash,
		Watermark:       event.Watermark{StreamSeq: m.s.Seq, EventTime: t},
	}
	rs.Blocks = b.blocks[:]
	for j := range nBlocks {
		rs.Blocks[j] = event.Block{Name: blockNames[j], Score: r.ev.blocks[j], Contribution: r.ag.contrib[j], Freshness: r.ev.fresh[j]}
	}
	rs.Components = b.comps[:0]
	for i := range r.ev.comps {
		cv := &r.ev.comps[i]
		if !cv.ok {
			continue
		}
		b.raws[i] = cv.raw
		rs.Components = append(rs.Components, event.Component{
			Name:       compNames[i],
			Block:      blockNames[compBlock[i]],
			Raw:        &b.raws[i],
			Score:      clamp01(cv.score),
			AsOf:       time.UnixMilli(cv.asOf).UTC(),
			AgeSeconds: float64(max(0, now-cv.asOf)) / 1000,
			Confidence: clamp01(cv.conf),
		})
	}
	event.Seal(rs, t)
	return rs
}

// nextLevel applies the hysteresis: up at once to the highest regime whose
// entry threshold the index reaches; down one regime at a time while the
// index is more than `hyst` below the current regime's entry threshold.
func nextLevel(level int, idx float64, thr [3]float64, hyst float64) int {
	up := 0
	for k, t := range thr {
		if idx >= t {
			up = k + 1
		}
	}
	if up >= level {
		return up
	}
	for level > 0 && idx < thr[level-1]-hyst {
		level--
	}
	return level
}

// drivers returns the top-3 block names: blocks whose contribution rose by
// at least min_rise over the drivers window (against the latest sample at
// or before now − window, else the oldest sample), largest rise first, then
// the others by contribution, largest first; ties keep block order.
func (m *Model) drivers(out []string, now int64, ag *aggregation) []string {
	var ref *hourSample
	for i := range m.s.Hourly {
		h := &m.s.Hourly[i]
		if h.Ms <= now-m.p.driverWindowMs || ref == nil {
			ref = h
		}
	}
	type cand struct {
		j      int
		rise   float64
		rising bool
	}
	var arr [nBlocks]cand
	cs := arr[:]
	for j := range cs {
		cs[j] = cand{j: j}
		if ref != nil {
			cs[j].rise = ag.contrib[j] - ref.Contrib[j]
			cs[j].rising = cs[j].rise >= m.p.driverMinRise
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		switch {
		case a.rising != b.rising:
			if a.rising {
				return -1
			}
			return 1
		case a.rising && a.rise != b.rise:
			return cmpDesc(a.rise, b.rise)
		}
		return cmpDesc(ag.contrib[a.j], ag.contrib[b.j])
	})
	for _, c := range cs[:3] {
		out = append(out, blockNames[c.j])
	}
	return out
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
