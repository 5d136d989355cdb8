package markets

import (
	"fmt"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// historyWant describes a history file in error messages.
const historyWant = "a history file, date,value"

// NewHistory returns the parser of a plain daily history file as under
// pkg/history/data: UTF-8, a header date,value, then one ISO date
// (YYYY-MM-DD) and one plain decimal value a line, each the series' value
// for that date. Every row gives one event.MarketQuote of the instrument
// parameter; "." or an empty value gives no event.
//
// Params: instrument (required); unit, kind and at (HH:MM UTC), which
// default to the instrument's row of Conventions (USDJPY: JPY per USD,
// fixing, 17:00; UST2Y, UST10Y: percent, close, 21:00; BTC-USD: USD,
// close, 21:00; VIX: points, close, 21:00) and must be given, but for at
// (default 21:00), for another instrument; source (default "history").
// New returns an error wrapping feed.ErrBadParam for a missing instrument,
// an unknown or invalid parameter, or an instrument outside the table
// without unit and kind.
//
// The parser's error wraps feed.ErrBadBody and names the line when the
// body is not UTF-8 CSV with that header, a row has other than two cells,
// a date or value is malformed, the event model rejects a value, or a date
// repeats.
func NewHistory(params map[string]string) (feed.Parser, error) {
	o, err := parseOptions(FormatHistory, SourceHistory, params, paramInstrument, paramUnit, paramKind, paramAt, paramSource)
	if err != nil {
		return nil, err
	}
	s, err := o.spec(Convention{})
	if err != nil {
		return nil, fmt.Errorf("format %s: %w: %w", FormatHistory, feed.ErrBadParam, err)
	}
	return parser(FormatHistory, o.source, func(c *collector, body []byte) error {
		return parseHistory(body, func(line int, d time.Time, v float64) error { return c.quote(line, d, v, s) })
	}), nil
}

// NewHistoryJGB returns the parser of a date,value history file of JGB
// yields in percent, such as pkg/history's jgb_2y.csv and jgb_10y.csv:
// every row gives one event.JGBYield of the tenor parameter, observed at
// 06:00 UTC (15:00 JST, the Tokyo close, as for mof-jgb), with source
// "mof", so a yield of the history has the id the MoF file gives the same
// day and tenor.
//
// Params: tenor (required, like 2Y or 10Y); source (default "mof"); at
// (HH:MM UTC, default 06:00). New returns an error wrapping
// feed.ErrBadParam for a missing tenor or an unknown or invalid parameter.
//
// The parser's errors are NewHistory's; a yield outside [-10, 30] % is one.
func NewHistoryJGB(params map[string]string) (feed.Parser, error) {
	o, err := parseOptions(FormatHistoryJGB, SourceMoF, params, paramTenor, paramSource, paramAt)
	if err != nil {
		return nil, err
	}
	if o.tenor == "" {
		return nil, fmt.Errorf("format %s: %w: no tenor: give the tenor parameter (2Y, 10Y, …)", FormatHistoryJGB, feed.ErrBadParam)
	}
	at := JGBCloseUTC
	if o.hasAt {
		at = o.at
	}
	return parser(FormatHistoryJGB, o.source, func(c *collector, body []byte) error {
		return parseHistory(body, func(line int, d time.Time, v float64) error { return c.jgb(line, d, v, o.tenor, at) })
	}), nil
}

// parseHistory checks the date,value header and calls add with the date
// and value of each row that has a value.
func parseHistory(body []byte, add func(line int, d time.Time, v float64) error) error {
	t, err := readTable(body)
	if err != nil {
		return err
	}
	if len(t.header) != 2 || !strings.EqualFold(t.header[0], "date") || !strings.EqualFold(t.header[1], "value") {
		return fmt.Errorf("header: want %s; got %q", historyWant, clip(strings.Join(t.header, ",")))
	}
	return t.rows(func(line int, row []string) error {
		d, v, ok, err := historyRow(row)
		if err != nil || !ok {
			return err
		}
		return add(line, d, v)
	})
}

// historyRow reads one date,value row; ok is false for a missing value.
func historyRow(row []string) (d time.Time, v float64, ok bool, err error) {
	d, err = isoDate(row[0])
	if err != nil {
		return d, 0, false, fmt.Errorf("date: %w", err)
	}
	v, ok, err = value(row[1], ".", "")
	if err != nil {
		return d, 0, false, fmt.Errorf("value: %w", err)
	}
	return d, v, ok, nil
}
