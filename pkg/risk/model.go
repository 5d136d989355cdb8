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

// Late counts the market and JGB observations model v2 has left out since
// it was made or restored because their day is older than the latest of
// their series (a back-dated value: stored by the sink, not in the index).
// Model v1 reports 0.
func (m *Model) Late() uint64 {
	if m.v2 != nil {
		return m.v2.late
	}
	return 0
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
	h, ok := admit(&m.s.Seq, ev, seq, known)
	if !ok {
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

// known reports whether ev is an input kind the model reads.
func known(ev event.Event) bool {
	switch ev.(type) {
	case *event.JGBYield, *event.FedOdds, *event.ETFFlow, *event.VenueStatus, *event.Heartbeat:
		return true
	}
	return false
}

// admit is the entry check both models' update share: it moves *last to
// seq (0: unsequenced) and returns ev's header when ev is new in the
// stream (seq above *last), a kind the model reads and valid content.
func admit(last *uint64, ev event.Event, seq uint64, reads func(event.Event) bool) (*event.Meta, bool) {
	if seq != 0 && seq <= *last {
		return nil, false
	}
	if seq != 0 {
		*last = seq
	}
	if ev == nil || !reads(ev) {
		return nil, false
	}
	h := ev.Header()
	if err := event.ValidateContent(ev, latest(h.ObservedAt, h.IngestedAt)); err != nil {
		return nil, false
	}
	return h, true
}

// upsertDay files x in xs, sorted by day: it replaces an observation of the
// same day unless x is older, and reports whether xs changed.
func upsertDay[T any](xs []T, x T, key func(T) (day int32, ms int64)) ([]T, bool) {
	day, ms := key(x)
	i, found := slices.BinarySearchFunc(xs, day, func(y T, d int32) int {
		yd, _ := key(y)
		return int(yd - d)
	})
	switch {
	case found:
		if _, yms := key(xs[i]); ms < yms {
			return xs, false
		}
		xs[i] = x
	default:
		xs = slices.Insert(xs, i, x)
	}
	return xs, true
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
