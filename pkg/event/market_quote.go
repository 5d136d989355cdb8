package event

import (
	"time"
)

// Units of market quotes.
const (
	UnitJPYPerUSD = "JPY per USD"
	UnitPercent   = "percent"
	UnitUSD       = "USD"
	UnitPoints    = "points"
)

// Kinds of market observation.
const (
	// QuoteClose is the day's closing value (FRED, CBOE, Treasury).
	QuoteClose = "close"
	// QuoteFixing is a reference rate fixed once a day (FRED's noon New York
	// buying rate, the ECB's 14:15 CET reference rates).
	QuoteFixing = "fixing"
	// QuoteLast is the last trade or ticker price at observed_at.
	QuoteLast = "last"
)

// Instruments the platform ships with; a feeds file may name others.
const (
	InstrumentUSDJPY = "USDJPY"
	InstrumentUST2Y  = "UST2Y"
	InstrumentUST10Y = "UST10Y"
	InstrumentBTCUSD = "BTC-USD"
	InstrumentVIX    = "VIX"
)

// unitRanges bounds a quote's value by its unit: wide enough for any
// value seen in history, narrow enough to catch a unit mix-up (a yield in
// basis points, a price in cents).
var unitRanges = map[string][2]float64{
	UnitJPYPerUSD: {1, 1000},
	UnitPercent:   {-10, 50},
	UnitUSD:       {1e-6, 1e8},
	UnitPoints:    {0, 1000},
}

// MarketQuote is one observation of a market series: an exchange rate, a
// government bond yield, a spot price or a volatility index.
type MarketQuote struct {
	Meta
	// Instrument names the series: USDJPY, UST2Y, UST10Y, BTC-USD, VIX, or
	// another configured one; 1-32 of [A-Z0-9-], starting with a letter or
	// digit.
	Instrument string `json:"instrument"`
	// Value is the observation in Unit.
	Value float64 `json:"value"`
	// Unit is "JPY per USD", "percent", "USD" or "points".
	Unit string `json:"unit"`
	// Kind is "close", "fixing" or "last".
	Kind string `json:"kind"`
	// DerivedFrom says how Value was computed when the source does not
	// quote it directly, e.g. "EURJPY/EURUSD" for USDJPY crossed from the
	// ECB's euro reference rates; empty for a quoted value.
	DerivedFrom string `json:"derived_from,omitempty"`
}

// SchemaName returns SchemaMarketQuote.
func (*MarketQuote) SchemaName() string { return SchemaMarketQuote }

// Key returns the instrument.
func (e *MarketQuote) Key() string { return e.Instrument }

// Subject returns cw.events.market.quote.<instrument>.
func (e *MarketQuote) Subject() string { return SubjectMarketQuote(e.Instrument) }

// Validate checks the instrument, unit, kind and a finite value within the
// unit's range.
func (e *MarketQuote) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *MarketQuote) check(now time.Time, withID bool) error {
	if err := matches("instrument", e.Instrument, isInstrument, "must be 1-32 of [A-Z0-9-], starting with a letter or digit"); err != nil {
		return err
	}
	if e.Unit == "" {
		return invalid("unit", ErrMissing, "")
	}
	r, ok := unitRanges[e.Unit]
	if !ok {
		return invalid("unit", ErrBadFormat, "%q is not one of %q, %q, %q, %q", e.Unit, UnitJPYPerUSD, UnitPercent, UnitUSD, UnitPoints)
	}
	switch e.Kind {
	case "":
		return invalid("kind", ErrMissing, "")
	case QuoteClose, QuoteFixing, QuoteLast:
	default:
		return invalid("kind", ErrBadFormat, "%q is not one of close, fixing, last", e.Kind)
	}
	if err := number("value", e.Value, r[0], r[1]); err != nil {
		return err
	}
	if len(e.DerivedFrom) > 64 {
		return invalid("derived_from", ErrBadFormat, "longer than 64 bytes")
	}
	return e.validate(SchemaMarketQuote, e.Key(), now, withID)
}

// isInstrument matches ^[A-Z0-9][A-Z0-9-]{0,31}$.
func isInstrument(s string) bool {
	if len(s) == 0 || len(s) > 32 || s[0] == '-' {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isUpper(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}
