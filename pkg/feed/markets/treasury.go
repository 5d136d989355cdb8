package markets

import (
	"fmt"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// treasuryWant describes the Treasury file in error messages.
const treasuryWant = `the Treasury daily par yield curve, Date,"1 Mo",…,"2 Yr",…,"10 Yr",…`

// NewTreasury returns the parser of the US Treasury's daily par yield curve
// CSV (home.treasury.gov/resource-center/data-chart-center/interest-rates/
// daily-treasury-rates.csv/YEAR/all?type=daily_treasury_yield_curve&
// field_tdr_date_value=YEAR&_format=csv): a header Date,"1 Mo","2 Mo",…,
// "2 Yr",…,"10 Yr",…,"30 Yr" (the set of columns has changed over the
// years: "4 Mo" since October 2022, "1.5 Mo" since 2025), then one row per
// business day, newest first, dated MM/DD/YYYY, yields in percent. It gives
// UST2Y from the "2 Yr" column and UST10Y from "10 Yr" (percent, close,
// 21:00 UTC); the other columns are not read. Columns are found by their
// exact names, so the real yield curve file ("10 YR", no "2 YR") is
// rejected rather than read as nominal yields. An empty cell is a missing
// value and gives no event.
//
// Params: source (default "treasury"). New returns an error wrapping
// feed.ErrBadParam for any other parameter or an invalid source.
//
// The parser's error wraps feed.ErrBadBody and names the line and column
// when the body is not UTF-8 CSV with that header, a row has fewer or more
// cells than the header (a truncated body), or a date or yield is
// malformed, the event model rejects a yield, or a date repeats.
func NewTreasury(params map[string]string) (feed.Parser, error) {
	o, err := parseOptions(FormatTreasury, SourceTreasury, params, paramSource)
	if err != nil {
		return nil, err
	}
	return parser(FormatTreasury, o.source, parseTreasury), nil
}

// treasuryColumns are the columns read, in the order of Conventions.
var treasuryColumns = []string{"2 Yr", "10 Yr"}

func parseTreasury(c *collector, body []byte) error {
	t, err := readTable(body)
	if err != nil {
		return err
	}
	if !strings.EqualFold(t.header[0], "Date") {
		return fmt.Errorf("header: want %s; got %q", treasuryWant, clip(strings.Join(t.header, ",")))
	}
	idx := make([]int, len(treasuryColumns))
	specs := make([]quoteSpec, len(treasuryColumns))
	for i, name := range treasuryColumns {
		if idx[i], err = t.column(name, treasuryWant); err != nil {
			return err
		}
		conv, _ := convention(SourceTreasury, name)
		specs[i] = quoteSpec{instrument: conv.Instrument, unit: conv.Unit, kind: conv.Kind, at: conv.At}
	}
	return t.rows(func(line int, row []string) error {
		d, err := usDate(row[0])
		if err != nil {
			return fmt.Errorf("%s: %w", t.header[0], err)
		}
		for i, col := range idx {
			if err := c.quoteCell(line, d, t.header[col], row[col], specs[i], ""); err != nil {
				return err
			}
		}
		return nil
	})
}
