package risk

import (
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

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

// drivers returns the top-3 block names: blocks whose contribution rose by
// at least min_rise over the drivers window (against the latest sample at
// or before now − window, else the oldest sample), largest rise first, then
// the others by contribution, largest first; ties keep block order.
func (m *Model) drivers(out []string, now int64, ag *aggregation) []string {
	var ref []float64
	for i := range m.s.Hourly {
		h := &m.s.Hourly[i]
		if h.Ms <= now-m.p.driverWindowMs || ref == nil {
			ref = h.Contrib[:]
		}
	}
	return rankDrivers(out, blockNames[:], ag.contrib[:], ref, nil, m.p.driverMinRise)
}

// maxDriverBlocks bounds the blocks rankDrivers ranks (v2 has six).
const maxDriverBlocks = 8

// rankDrivers appends to out the names of the top 3 blocks (of those
// present; nil present means all): blocks whose contribution rose by at
// least minRise against ref (nil: no reference, nothing rises), largest rise
// first, then the others by contribution, largest first; ties keep block
// order. It does not allocate beyond out.
func rankDrivers(out, names []string, contrib, ref []float64, present []bool, minRise float64) []string {
	type cand struct {
		j      int
		rise   float64
		rising bool
	}
	var arr [maxDriverBlocks]cand
	cs := arr[:0]
	for j := range contrib {
		if present != nil && !present[j] {
			continue
		}
		c := cand{j: j}
		if ref != nil {
			c.rise = contrib[j] - ref[j]
			c.rising = c.rise >= minRise
		}
		cs = append(cs, c)
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
		return cmpDesc(contrib[a.j], contrib[b.j])
	})
	for _, c := range cs[:min(3, len(cs))] {
		out = append(out, names[c.j])
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
