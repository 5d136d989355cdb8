package risk

import (
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// basisState is the flow-weighted cost basis of US spot BTC ETFs, built
// from the daily TOTAL net flows and BTC's close of the same trade date.
//
// An inflow day buys flow/close coins at that day's close. An outflow day
// sells coins at that day's close but leaves the average cost of the coins
// still held unchanged (average-cost accounting): the basis answers "what
// did the coins the funds hold cost", which redemptions do not change. With
// net outflows alone (no coins bought yet) there is no basis. A day is
// folded in once BTC has a later day than it, so its close is final; a
// revision of a folded day is not applied.
type basisState struct {
	Pending []flowDay `json:"pending"` // flows waiting for their day's final close
	Units   float64   `json:"units"`   // coins held
	Cost    float64   `json:"cost"`    // USD paid for them
	Last    int32     `json:"last"`    // latest trade date folded in
	Days    int       `json:"days"`    // trade dates folded in
}

// flowDay is one trade date's TOTAL net flow.
type flowDay struct {
	Day  int32   `json:"day"`
	Ms   int64   `json:"ms"`
	Flow float64 `json:"flow_usd"`
}

// basis returns the average cost per BTC, if any coins are held.
func (b *basisState) basis() (float64, bool) {
	if b.Units <= 0 || b.Cost <= 0 {
		return 0, false
	}
	return b.Cost / b.Units, true
}

// addFlow files a TOTAL BTC flow (a later observation of a pending date
// replaces it) and folds what can be priced.
func (m *modelV2) addFlow(e *event.ETFFlow) {
	if e.Asset != "BTC" || e.Ticker != event.TickerTotal {
		return
	}
	d, err := time.Parse(time.DateOnly, e.TradeDate)
	if err != nil {
		return
	}
	f := flowDay{Day: int32(d.Unix() / 86400), Ms: e.ObservedAt.UnixMilli(), Flow: e.FlowUSD}
	b := &m.s.Basis
	if b.Days > 0 && f.Day <= b.Last {
		return
	}
	var changed bool
	if b.Pending, changed = upsertDay(b.Pending, f, func(x flowDay) (int32, int64) { return x.Day, x.Ms }); !changed {
		return
	}
	m.foldBasis()
}

// foldBasis folds every pending flow whose close is final, oldest first.
// A flow dated before the oldest BTC close held can never be priced and
// is dropped.
func (m *modelV2) foldBasis() {
	b := &m.s.Basis
	btc := &m.s.Series[serBTC]
	n := len(btc.Days)
	k := 0
	for ; k < len(b.Pending); k++ {
		f := b.Pending[k]
		if n < 2 || f.Day >= btc.Days[n-1] {
			break
		}
		i, found := slices.BinarySearch(btc.Days, f.Day)
		if !found {
			continue // no close for that date: left out
		}
		close := btc.Vals[i]
		switch {
		case f.Flow > 0:
			b.Units += f.Flow / close
			b.Cost += f.Flow
		case f.Flow < 0 && b.Units > 0:
			sold := min(b.Units, -f.Flow/close)
			b.Cost -= sold * b.Cost / b.Units
			b.Units -= sold
		}
		b.Last = f.Day
		b.Days++
	}
	b.Pending = b.Pending[k:]
}

// setCostBasis puts the cost basis on a print when one is known.
func setCostBasis(rs *event.RiskScore, b basisState) {
	if v, ok := b.basis(); ok {
		rs.ETFCostBasisUSD = &v
	}
}
