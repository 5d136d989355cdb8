package event

import (
	"strconv"
	"time"
)

// JGBYield is one Japanese government bond yield observation for one tenor.
type JGBYield struct {
	Meta
	// Tenor is the maturity: "1Y" … "40Y", or months such as "6M".
	Tenor string `json:"tenor"`
	// YieldPct is the yield in percent (1.881 means 1.881 %).
	YieldPct float64 `json:"yield_pct"`
}

// SchemaName returns SchemaJGBYield.
func (*JGBYield) SchemaName() string { return SchemaJGBYield }

// Key returns the tenor.
func (e *JGBYield) Key() string { return e.Tenor }

// Subject returns cw.events.jgb.yield.<tenor>.
func (e *JGBYield) Subject() string { return SubjectJGBYield(e.Tenor) }

// TenorMonths returns the tenor in months (10Y → 120), 0 if malformed.
func (e *JGBYield) TenorMonths() uint16 { return TenorMonths(e.Tenor) }

// TenorMonths converts a tenor such as "10Y" or "6M" to months; 0 if malformed.
func TenorMonths(tenor string) uint16 {
	if !isTenor(tenor) {
		return 0
	}
	n, _ := strconv.Atoi(tenor[:len(tenor)-1])
	if tenor[len(tenor)-1] == 'Y' {
		n *= 12
	}
	return uint16(n)
}

// Validate checks the tenor and a yield within [-10, 30] percent.
func (e *JGBYield) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *JGBYield) check(now time.Time, withID bool) error {
	if err := matches("tenor", e.Tenor, isTenor, "is not like 2Y, 10Y or 6M"); err != nil {
		return err
	}
	if err := number("yield_pct", e.YieldPct, -10, 30); err != nil {
		return err
	}
	return e.validate(SchemaJGBYield, e.Key(), now, withID)
}
