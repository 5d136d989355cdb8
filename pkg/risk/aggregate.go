package risk

import (
	"math"
	"slices"
)

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
