package markets

import (
	"fmt"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// cboeWant describes CBOE's file in error messages.
const cboeWant = "CBOE's index history, DATE,OPEN,HIGH,LOW,CLOSE"

// NewCBOE returns the parser of CBOE's daily index history CSV
// (https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv):
// a header DATE,OPEN,HIGH,LOW,CLOSE, then one row per trading day, oldest
// first, dated MM/DD/YYYY, values with six decimals (17.240000). It gives
// the CLOSE column as VIX (points, close, 21:00 UTC); the other columns are
// not read. An empty close gives no event.
//
// Params: source (default "cboe"); instrument (default VIX) for another
// CBOE index history in the same layout (VIX9D, VIX3M), written in points.
// New returns an error wrapping feed.ErrBadParam for any other parameter or
// an invalid value.
//
// The parser's error wraps feed.ErrBadBody and names the line and column
// when the body is not UTF-8 CSV with DATE and CLOSE columns, a row has
// fewer or more cells than the header, a date or close is malformed, the
// event model rejects a close, or a date repeats.
func NewCBOE(params map[string]string) (feed.Parser, error) {
	o, err := parseOptions(FormatCBOE, SourceCBOE, params, paramSource, paramInstrument)
	if err != nil {
		return nil, err
	}
	conv, _ := convention(SourceCBOE, "CLOSE")
	s := quoteSpec{instrument: conv.Instrument, unit: conv.Unit, kind: conv.Kind, at: conv.At}
	if o.instrument != "" {
		s.instrument = o.instrument
	}
	return parser(FormatCBOE, o.source, func(c *collector, body []byte) error {
		return parseCBOE(c, body, s)
	}), nil
}

func parseCBOE(c *collector, body []byte, s quoteSpec) error {
	t, err := readTable(body)
	if err != nil {
		return err
	}
	if t.header[0] != "DATE" {
		return fmt.Errorf("header: want %s; got %q", cboeWant, clip(strings.Join(t.header, ",")))
	}
	closeCol, err := t.column("CLOSE", cboeWant)
	if err != nil {
		return err
	}
	return t.rows(func(line int, row []string) error {
		d, err := usDate(row[0])
		if err != nil {
			return fmt.Errorf("DATE: %w", err)
		}
		return c.quoteCell(line, d, "CLOSE", row[closeCol], s, "")
	})
}
