package fedodds

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/fomc"
)

// SourceKalshi is the default source of events read from Kalshi.
const SourceKalshi = "kalshi"

// maxStrikeDistance is how far, in percent, a KXFED strike may lie from the
// current upper bound and still be used: the bucket above it then stays
// within ±500 bp.
const maxStrikeDistance = 4.75

// kalshiParser reads Kalshi KXFED / KXFEDDECISION markets.
type kalshiParser struct {
	parserBase
	targetUpper *float64
}

// kalshiMarket holds the fields of a Kalshi Market object the parser uses.
type kalshiMarket struct {
	Ticker           string    `json:"ticker"`
	EventTicker      string    `json:"event_ticker"`
	StrikeType       string    `json:"strike_type"`
	FloorStrike      flexFloat `json:"floor_strike"`
	LastPriceDollars flexFloat `json:"last_price_dollars"`
	YesBidDollars    flexFloat `json:"yes_bid_dollars"`
	YesAskDollars    flexFloat `json:"yes_ask_dollars"`
	LastPrice        flexFloat `json:"last_price"`
	YesBid           flexFloat `json:"yes_bid"`
	YesAsk           flexFloat `json:"yes_ask"`
}

var (
	// reKalshiEvent matches a Fed event ticker: series, two-digit year,
	// three-letter month, e.g. KXFED-25DEC, KXFEDDECISION-26JAN, FED-23FEB.
	reKalshiEvent = regexp.MustCompile(`^(KXFEDDECISION|FEDDECISION|KXFED|FED)-(\d{2})(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)$`)
	// reKalshiThreshold matches a KXFED market suffix, e.g. T3.75.
	reKalshiThreshold = regexp.MustCompile(`^T(\d{1,2}(?:\.\d{1,4})?)$`)
	// reKalshiDecision matches a KXFEDDECISION market suffix: C (cut) or H
	// (hike; H0 = hold) and basis points, e.g. C25, H0, C26.
	reKalshiDecision = regexp.MustCompile(`^([CH])(\d{1,3})$`)
	monthAbbrev      = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
)

// kalshiEvent gathers the markets of one event ticker.
type kalshiEvent struct {
	ticker    string
	decision  bool
	meeting   fomc.Meeting
	strikes   []kalshiStrike
	decisions []event.Outcome
}

type kalshiStrike struct {
	ticker string
	strike float64
	p      float64
}

// parse reads a GET /markets page ({"markets": [...], "cursor": ...}), a
// GET /markets/{ticker} body ({"market": {...}}), a bare market object or an
// array of markets, and returns one event.FedOdds per Fed event ticker whose
// meeting is on or after the observation day (now).
func (p kalshiParser) parse(body []byte, now time.Time) (feed.Observations, error) {
	body, err := p.trim(body)
	if err != nil {
		return feed.Observations{}, err
	}
	raws, err := kalshiMarkets(body)
	if err != nil {
		return feed.Observations{}, err
	}
	if len(raws) == 0 {
		return feed.Observations{Warnings: []string{"kalshi: body lists no markets"}}, nil
	}
	b := &kalshiBook{p: p, events: map[string]*kalshiEvent{}, failed: map[string]bool{}}
	for i, raw := range raws {
		b.add(i, raw)
	}
	obs := b.observations(now) // records what it skips in b.skipped, so it runs first
	obs, err = b.skipped.report(p.format, "Fed market", len(raws), obs)
	if err != nil {
		return feed.Observations{}, err
	}
	slices.SortStableFunc(obs.Events, func(a, b event.Event) int {
		return strings.Compare(a.(*event.FedOdds).Meeting, b.(*event.FedOdds).Meeting)
	})
	return obs, nil
}

// kalshiBook gathers a body's markets by Fed event, events in the order
// their first market came, and what it skipped and why.
type kalshiBook struct {
	p       kalshiParser
	events  map[string]*kalshiEvent
	failed  map[string]bool // events without an FOMC meeting, skipped once
	order   []string
	skipped skips
	upper   *float64 // the current upper bound, once looked up
}

func (b *kalshiBook) skip(format string, args ...any) { b.skipped.add(format, args...) }

// add files market i under its Fed event: a decision bucket or a
// threshold strike. A market that does not decode, belongs to no Fed
// event or has no usable price or bucket is skipped.
func (b *kalshiBook) add(i int, raw json.RawMessage) {
	var m kalshiMarket
	if err := json.Unmarshal(raw, &m); err != nil {
		b.skip("market %d: %v", i, err)
		return
	}
	evTicker := kalshiEventTicker(m)
	sm := reKalshiEvent.FindStringSubmatch(strings.ToUpper(evTicker))
	if sm == nil {
		b.skip("market %q: event %q is not a KXFED or KXFEDDECISION event", m.Ticker, evTicker)
		return
	}
	suffix := strings.TrimPrefix(strings.ToUpper(m.Ticker), strings.ToUpper(evTicker)+"-")
	ev := b.event(evTicker, sm)
	if ev == nil {
		return
	}
	price, err := kalshiYes(m)
	if err != nil {
		b.skip("market %q: %v", m.Ticker, err)
		return
	}
	if ev.decision {
		b.addDecision(ev, m.Ticker, suffix, price)
		return
	}
	b.addStrike(ev, m, suffix, price)
}

// kalshiEventTicker returns the market's event ticker, or the first two
// dash-separated parts of its own ticker when the body leaves it out.
func kalshiEventTicker(m kalshiMarket) string {
	if m.EventTicker != "" {
		return m.EventTicker
	}
	if parts := strings.SplitN(m.Ticker, "-", 3); len(parts) >= 2 {
		return parts[0] + "-" + parts[1]
	}
	return ""
}

// event returns the event evTicker (matched by reKalshiEvent as sm),
// creating it on its first market; nil, skipped once, if the calendar has
// no FOMC meeting in its month.
func (b *kalshiBook) event(evTicker string, sm []string) *kalshiEvent {
	if b.failed[evTicker] {
		return nil
	}
	if ev, ok := b.events[evTicker]; ok {
		return ev
	}
	b.failed[evTicker] = true
	year, _ := strconv.Atoi(sm[2])
	month := time.Month(slices.Index(monthAbbrev, sm[3]) + 1)
	mt, has, err := b.p.cal.MeetingIn(2000+year, month)
	if err != nil {
		b.skip("event %s: %v", evTicker, err)
		return nil
	}
	if !has {
		b.skip("event %s: no FOMC meeting in %d-%02d", evTicker, 2000+year, month)
		return nil
	}
	delete(b.failed, evTicker)
	ev := &kalshiEvent{ticker: evTicker, decision: strings.HasSuffix(sm[1], "DECISION"), meeting: mt}
	b.events[evTicker] = ev
	b.order = append(b.order, evTicker)
	return ev
}

// addDecision adds a KXFEDDECISION bucket (C25, H0, …) within ±maxChangeBP
// that the event does not have yet.
func (b *kalshiBook) addDecision(ev *kalshiEvent, ticker, suffix string, price float64) {
	dm := reKalshiDecision.FindStringSubmatch(suffix)
	if dm == nil {
		b.skip("market %q: %q is not a decision bucket like C25 or H0", ticker, suffix)
		return
	}
	change := decisionBP(dm[1], dm[2])
	if change < -maxChangeBP || change > maxChangeBP {
		b.skip("market %q: bucket %s is beyond ±%d bp", ticker, suffix, maxChangeBP)
		return
	}
	if slices.ContainsFunc(ev.decisions, func(o event.Outcome) bool { return o.ChangeBP == change }) {
		b.skip("market %q: a second market for %+d bp", ticker, change)
		return
	}
	ev.decisions = append(ev.decisions, event.Outcome{ChangeBP: change, Probability: price})
}

// addStrike adds a KXFED threshold market: its floor_strike when
// strike_type is greater, else the strike its ticker's suffix (T3.75)
// names when strike_type is absent.
func (b *kalshiBook) addStrike(ev *kalshiEvent, m kalshiMarket, suffix string, price float64) {
	var strike float64
	switch {
	case m.StrikeType == "greater" && m.FloorStrike.ok:
		strike = m.FloorStrike.v
	case m.StrikeType == "greater":
		b.skip("market %q: strike_type greater without floor_strike", m.Ticker)
		return
	case m.StrikeType == "":
		tm := reKalshiThreshold.FindStringSubmatch(suffix)
		if tm == nil {
			b.skip("market %q: no strike_type and %q is not a threshold like T3.75", m.Ticker, suffix)
			return
		}
		strike, _ = strconv.ParseFloat(tm[1], 64)
	default:
		b.skip("market %q: strike_type %q is not an 'upper bound above' threshold (greater)", m.Ticker, m.StrikeType)
		return
	}
	ev.strikes = append(ev.strikes, kalshiStrike{ticker: m.Ticker, strike: strike, p: price})
}

// observations returns an event.FedOdds for each event, in order, whose
// meeting is on or after now's day and whose markets make a distribution,
// with the warnings that came up; it skips the others.
func (b *kalshiBook) observations(now time.Time) feed.Observations {
	var obs feed.Observations
	today := utcDay(now)
	for _, t := range b.order {
		ev := b.events[t]
		if ev.meeting.Date.Before(today) {
			b.skip("event %s: meeting %s was held before %s", t, ev.meeting, today.Format(time.DateOnly))
			continue
		}
		var outs []event.Outcome
		var warn []string
		var ok bool
		if ev.decision {
			outs, warn, ok = b.decisionOutcomes(ev)
		} else {
			outs, warn, ok = b.thresholdOutcomes(ev, now)
		}
		if !ok {
			continue
		}
		obs.Warnings = append(obs.Warnings, warn...)
		if len(outs) == 0 {
			b.skip("event %s: no usable market", t)
			continue
		}
		obs.Events = append(obs.Events, b.p.odds(event.Millis(now), ev.meeting.String(), outs))
	}
	return obs
}

// decisionOutcomes returns a decision event's buckets, normalized, and a
// warning when their prices were far from summing to 1; ok is false, the
// event skipped, with fewer than two buckets or no price above 0.
func (b *kalshiBook) decisionOutcomes(ev *kalshiEvent) (outs []event.Outcome, warn []string, ok bool) {
	sum := sumProbability(ev.decisions)
	if len(ev.decisions) < 2 {
		b.skip("event %s: only one bucket; a distribution needs the event's other buckets", ev.ticker)
		return nil, nil, false
	}
	if sum <= 0 {
		b.skip("event %s: no bucket has a price above 0", ev.ticker)
		return nil, nil, false
	}
	if math.Abs(sum-1) > 0.1 {
		warn = append(warn, fmt.Sprintf("kalshi event %s: bucket prices sum to %.3f, normalized", ev.ticker, sum))
	}
	return finish(ev.decisions, true), warn, true
}

// thresholdOutcomes returns a threshold event's outcomes around the
// current upper bound, looked up on the first such event; ok is false, the
// event skipped, when that lookup fails.
func (b *kalshiBook) thresholdOutcomes(ev *kalshiEvent, now time.Time) (outs []event.Outcome, warn []string, ok bool) {
	if b.upper == nil {
		u, err := b.p.upperAt(now)
		if err != nil {
			b.skip("event %s: %v", ev.ticker, err)
			return nil, nil, false
		}
		b.upper = &u
	}
	outs, ws := thresholdOutcomes(ev.strikes, *b.upper)
	for _, w := range ws {
		warn = append(warn, "kalshi event "+ev.ticker+": "+w)
	}
	return outs, warn, true
}

// upperAt returns the current upper bound: the target_upper parameter, else
// the shipped history's range in force on now's day.
func (p kalshiParser) upperAt(now time.Time) (float64, error) {
	if p.targetUpper != nil {
		return *p.targetUpper, nil
	}
	r, err := p.cal.RangeAt(now)
	if err != nil {
		return 0, fmt.Errorf("current upper bound: %w; pass the target_upper parameter", err)
	}
	return r.Upper, nil
}

// kalshiMarkets returns the market objects of a body.
func kalshiMarkets(body []byte) ([]json.RawMessage, error) {
	if body[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, badBody("kalshi: JSON array of markets: %v", err)
		}
		return list, nil
	}
	if body[0] != '{' {
		return nil, badBody("kalshi: body is not JSON (starts with %q)", firstRune(body))
	}
	top := objectKeys(body)
	if top == nil {
		var v any
		err := json.Unmarshal(body, &v)
		return nil, badBody("kalshi: body is not a JSON object: %v", err)
	}
	switch {
	case top["markets"] != nil:
		var list []json.RawMessage
		if err := json.Unmarshal(top["markets"], &list); err != nil {
			return nil, badBody("kalshi: markets is not an array: %v", err)
		}
		return list, nil
	case top["market"] != nil:
		return []json.RawMessage{top["market"]}, nil
	case top["ticker"] != nil:
		return []json.RawMessage{body}, nil
	}
	return nil, badBody("kalshi: JSON object has none of markets, market or ticker")
}

// kalshiYes returns the implied probability of YES: last_price_dollars,
// else the mid of yes_bid_dollars and yes_ask_dollars, else the same from
// the legacy cent fields; a last price of 0 is used only when nothing else
// is quoted (Kalshi reports 0 for a market that never traded).
func kalshiYes(m kalshiMarket) (float64, error) {
	for _, f := range []struct {
		name string
		v    flexFloat
		max  float64
	}{
		{"last_price_dollars", m.LastPriceDollars, 1}, {"yes_bid_dollars", m.YesBidDollars, 1}, {"yes_ask_dollars", m.YesAskDollars, 1},
		{"last_price", m.LastPrice, 100}, {"yes_bid", m.YesBid, 100}, {"yes_ask", m.YesAsk, 100},
	} {
		if f.v.ok && (f.v.v < 0 || f.v.v > f.max) {
			return 0, fmt.Errorf("%s %v is outside [0, %v]", f.name, f.v.v, f.max)
		}
	}
	switch {
	case m.LastPriceDollars.ok && m.LastPriceDollars.v > 0:
		return m.LastPriceDollars.v, nil
	case m.YesBidDollars.ok && m.YesAskDollars.ok && m.YesAskDollars.v > 0:
		return (m.YesBidDollars.v + m.YesAskDollars.v) / 2, nil
	case m.LastPrice.ok && m.LastPrice.v > 0:
		return m.LastPrice.v / 100, nil
	case m.YesBid.ok && m.YesAsk.ok && m.YesAsk.v > 0:
		return (m.YesBid.v + m.YesAsk.v) / 200, nil
	case m.LastPriceDollars.ok:
		return m.LastPriceDollars.v, nil
	case m.LastPrice.ok:
		return m.LastPrice.v / 100, nil
	}
	return 0, fmt.Errorf("no price: none of last_price_dollars, yes_bid_dollars/yes_ask_dollars, last_price, yes_bid/yes_ask")
}

// decisionBP turns a KXFEDDECISION bucket into a change in bp: C25 → −25,
// H0 → 0, H25 → +25. A number one above a multiple of 25 is the open
// "more than" bucket (C26 = cut by more than 25 bp) and is placed at the
// next 25-bp step (−50); other numbers are rounded up to a 25-bp step.
func decisionBP(dir, digits string) int {
	n, _ := strconv.Atoi(digits)
	if n%StepBP != 0 {
		n = (n/StepBP + 1) * StepBP
	}
	if dir == "C" {
		return -n
	}
	return n
}

// thresholdOutcomes turns "upper bound above K" prices into a distribution
// of the change of the upper bound relative to upper (percent).
//
// The prices are made a survival curve first: sorted by strike, a market
// whose YES price exceeds that of a lower strike contradicts P(upper > K)
// falling with K, so the prices are replaced by their unweighted isotonic
// (pool-adjacent-violators) fit, which averages each run of violators
// instead of favouring either side. Buckets are then the differences
// between adjacent strikes: P(K_i < upper ≤ K_i+1) goes to the 25-bp grid
// point just above K_i, the lower tail P(upper ≤ K_1) to the grid point at
// or below K_1, the upper tail P(upper > K_n) to the grid point just above
// K_n; tails are lumped there because the markets say nothing finer.
func thresholdOutcomes(strikes []kalshiStrike, upper float64) ([]event.Outcome, []string) {
	var warn []string
	slices.SortStableFunc(strikes, func(a, b kalshiStrike) int { return cmp.Compare(a.strike, b.strike) })
	var use []kalshiStrike
	for _, s := range strikes {
		switch {
		case math.Abs(s.strike-upper) > maxStrikeDistance:
			warn = append(warn, fmt.Sprintf("ignored %s: strike %.2f is more than %.2f from the upper bound %.2f", s.ticker, s.strike, maxStrikeDistance, upper))
		case len(use) > 0 && use[len(use)-1].strike == s.strike:
			warn = append(warn, fmt.Sprintf("ignored %s: a second market at strike %.2f", s.ticker, s.strike))
		default:
			use = append(use, s)
		}
	}
	if len(use) == 0 {
		return nil, warn
	}
	ps := make([]float64, len(use))
	for i, s := range use {
		ps[i] = s.p
	}
	surv := nonIncreasing(ps)
	if !slices.Equal(surv, ps) {
		warn = append(warn, "prices not monotone in the strike; used their isotonic fit")
	}
	base := int(math.Round(upper * 100))
	at := func(grid float64) int { return int(math.Round(grid*100)) - base }
	outs := []event.Outcome{{ChangeBP: at(math.Floor(quarters(use[0].strike)) / 4), Probability: 1 - surv[0]}}
	for i, s := range use {
		next := 0.0
		if i+1 < len(surv) {
			next = surv[i+1]
		}
		outs = append(outs, event.Outcome{ChangeBP: at((math.Floor(quarters(s.strike)) + 1) / 4), Probability: surv[i] - next})
	}
	return finish(outs, true), warn
}

// quarters returns v·4, snapped to an integer when within float noise.
func quarters(v float64) float64 {
	q := v * 4
	if r := math.Round(q); math.Abs(q-r) < 1e-6 {
		return r
	}
	return q
}

// nonIncreasing returns the least-squares non-increasing fit of v (pool
// adjacent violators, equal weights).
func nonIncreasing(v []float64) []float64 {
	type block struct {
		sum float64
		n   int
	}
	var bs []block
	for _, x := range v {
		bs = append(bs, block{x, 1})
		for len(bs) > 1 {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			if a.sum/float64(a.n) >= b.sum/float64(b.n) {
				break
			}
			bs = append(bs[:len(bs)-2], block{a.sum + b.sum, a.n + b.n})
		}
	}
	out := make([]float64, 0, len(v))
	for _, b := range bs {
		for range b.n {
			out = append(out, b.sum/float64(b.n))
		}
	}
	return out
}

// firstRune returns the first character of b for error messages.
func firstRune(b []byte) string {
	s := string(b)
	for _, r := range s {
		return string(r)
	}
	return ""
}
