package event

import (
	"time"
)

// TickerTotal is the ticker of the day's sum over all funds of an asset.
const TickerTotal = "TOTAL"

// ETFFlow is one spot crypto ETF's net creation/redemption flow for one
// trading day. Ticker TOTAL carries the day's sum over all funds.
type ETFFlow struct {
	Meta
	// Asset is the underlying, e.g. "BTC" or "ETH".
	Asset string `json:"asset"`
	// Ticker is the fund's ticker, or TOTAL.
	Ticker string `json:"ticker"`
	// TradeDate is the US trading day the flow belongs to, YYYY-MM-DD.
	TradeDate string `json:"trade_date"`
	// FlowUSD is the net flow in US dollars; outflows are negative.
	FlowUSD float64 `json:"flow_usd"`
	// AUMUSD is the fund's assets under management in US dollars, if known.
	AUMUSD *float64 `json:"aum_usd,omitempty"`
}

// SchemaName returns SchemaETFFlow.
func (*ETFFlow) SchemaName() string { return SchemaETFFlow }

// Key returns asset/ticker/trade_date.
func (e *ETFFlow) Key() string { return e.Asset + "/" + e.Ticker + "/" + e.TradeDate }

// Subject returns cw.events.etf.flow.<ticker>.
func (e *ETFFlow) Subject() string { return SubjectETFFlow(e.Ticker) }

// Validate checks asset, ticker, trade date, a flow within ±100 bn USD and
// a non-negative AUM.
func (e *ETFFlow) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *ETFFlow) check(now time.Time, withID bool) error {
	for _, f := range []struct{ name, v string }{{"asset", e.Asset}, {"ticker", e.Ticker}} {
		if err := matches(f.name, f.v, isTicker, "must be 1-12 of [A-Z0-9]"); err != nil {
			return err
		}
	}
	if err := date("trade_date", e.TradeDate); err != nil {
		return err
	}
	if err := number("flow_usd", e.FlowUSD, -1e11, 1e11); err != nil {
		return err
	}
	if e.AUMUSD != nil {
		if err := number("aum_usd", *e.AUMUSD, 0, 1e13); err != nil {
			return err
		}
	}
	return e.validate(SchemaETFFlow, e.Key(), now, withID)
}
