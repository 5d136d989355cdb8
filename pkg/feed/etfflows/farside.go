package etfflows

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// toleranceUSD is how far the funds of a Farside day may add up from its
// Total before a warning: US$0.15m, the rounding of a dozen one-decimal
// cells.
const toleranceUSD = 150_000

// unitMillions is the power of ten of US$ millions.
const unitMillions = 6

// farsideDateLayouts are Farside's date format, %d %b %Y ("05 Aug 2024"),
// read with or without the zero padding, and the same with the month
// written out.
var farsideDateLayouts = []string{"2 Jan 2006", "2 January 2006"}

// reDateLike is what a first cell meant as a date looks like. One that
// matches but does not parse ("31 Feb 2024") is a bad body, not a footer.
var reDateLike = regexp.MustCompile(`^\d{1,2} [A-Za-z]{3,9}\.? \d{2,4}$`)

// farsideRow is one row of a Farside table, HTML or CSV.
type farsideRow struct {
	where string   // "row 7", "line 7"
	cells []string // text, whitespace collapsed
}

// farsideHeader is the row naming the columns: the date column first, then
// fund tickers and Total, in whatever order the page has them.
type farsideHeader struct {
	width int       // cells in the header row
	funds []fundCol // in column order
	total int       // column of Total
	where string    // the row it was read from
}

// fundCol is one fund's column.
type fundCol struct {
	ticker string
	col    int
}

// parseFarside reads the rows of one Farside table into c: it finds the
// header row, then reads every row below it whose first cell is a date,
// skipping the others (fee and issuer rows, the Total/Average/Maximum/
// Minimum footers). Errors lack the ErrBadBody wrapping.
func parseFarside(c *collector, rows []farsideRow) error {
	hi, h, err := findFarsideHeader(rows)
	if err != nil {
		return err
	}
	if hi < 0 {
		return errors.New(`no header row: want a row whose first cell is "Date" or empty, followed by fund tickers and "Total"`)
	}
	dated := 0
	for _, r := range rows[hi+1:] {
		if len(r.cells) == 0 {
			continue
		}
		d, ok, err := farsideDate(r.cells[0])
		if err != nil {
			return fmt.Errorf("%s: %w", r.where, err)
		}
		if !ok {
			continue
		}
		dated++
		if err := farsideDay(c, h, r, d); err != nil {
			return err
		}
	}
	if dated == 0 {
		return fmt.Errorf("no dated rows below the header (%s)", h.where)
	}
	return nil
}

// findFarsideHeader returns the index of the first header row in rows and
// its columns, or -1. A header row that names a ticker twice, or has two
// Total columns, is an error.
func findFarsideHeader(rows []farsideRow) (int, farsideHeader, error) {
	for i, r := range rows {
		h, ok, err := farsideHeaderRow(r)
		if err != nil {
			return -1, farsideHeader{}, err
		}
		if ok {
			return i, h, nil
		}
	}
	return -1, farsideHeader{}, nil
}

// farsideHeaderRow reports whether r is the header row: first cell "Date"
// or empty, every other non-empty cell a ticker (1-12 of [A-Z0-9]) or
// "Total", and a Total column. Fee rows ("0.25%") and issuer rows
// ("Blackrock") fail the ticker rule.
func farsideHeaderRow(r farsideRow) (farsideHeader, bool, error) {
	if len(r.cells) < 2 {
		return farsideHeader{}, false, nil
	}
	if first := r.cells[0]; first != "" && !strings.EqualFold(first, "date") {
		return farsideHeader{}, false, nil
	}
	h := farsideHeader{width: len(r.cells), total: -1, where: r.where}
	seen := map[string]bool{}
	for col, text := range r.cells[1:] {
		col++
		switch {
		case text == "":
			continue
		case strings.EqualFold(text, "total"):
			if h.total >= 0 {
				return farsideHeader{}, false, fmt.Errorf("header %s: two Total columns (%d and %d)", r.where, h.total+1, col+1)
			}
			h.total = col
		case event.ValidTicker(text):
			if seen[text] {
				return farsideHeader{}, false, fmt.Errorf("header %s: column %s appears twice", r.where, text)
			}
			seen[text] = true
			h.funds = append(h.funds, fundCol{ticker: text, col: col})
		default:
			return farsideHeader{}, false, nil
		}
	}
	if h.total < 0 {
		return farsideHeader{}, false, nil
	}
	return h, true, nil
}

// farsideDate reads a first cell as a date: ok false for a cell that is not
// meant as one (a footer label, a fee row), an error for one that looks like
// a date but is not a real one.
func farsideDate(s string) (time.Time, bool, error) {
	for _, layout := range farsideDateLayouts {
		if d, err := time.Parse(layout, s); err == nil {
			return d, true, nil
		}
	}
	if reDateLike.MatchString(s) {
		return time.Time{}, false, fmt.Errorf("%q looks like a date but is not one (want e.g. 05 Aug 2024)", s)
	}
	return time.Time{}, false, nil
}

// farsideDay reads one dated row: one event per fund with a value, then
// TOTAL, then the check of the funds against Total.
func farsideDay(c *collector, h farsideHeader, r farsideRow, d time.Time) error {
	where := fmt.Sprintf("%s (%s)", r.where, r.cells[0])
	if len(r.cells) < h.width {
		return fmt.Errorf("%s: %d cells but the header (%s) has %d: truncated?", where, len(r.cells), h.where, h.width)
	}
	for col := h.width; col < len(r.cells); col++ {
		if r.cells[col] != "" {
			return fmt.Errorf("%s: cell %d (%q) is beyond the header's %d columns", where, col+1, r.cells[col], h.width)
		}
	}
	if !c.tradeDay(d, where) {
		return nil
	}
	// Every kept value is within ±1e11 USD (the event model's range, checked
	// by add), so the sum cannot overflow and float64(usd) is exact.
	var sum int64
	for _, f := range h.funds {
		usd, ok, err := farsideCell(r.cells[f.col])
		if err != nil {
			return fmt.Errorf("%s, column %s: %w", where, f.ticker, err)
		}
		if !ok {
			continue
		}
		if err := c.add(where+", column "+f.ticker, "", d, f.ticker, float64(usd), nil); err != nil {
			return err
		}
		sum += usd
	}
	total, ok, err := farsideCell(r.cells[h.total])
	if err != nil {
		return fmt.Errorf("%s, column Total: %w", where, err)
	}
	if !ok {
		return nil
	}
	if err := c.add(where+", column Total", "", d, event.TickerTotal, float64(total), nil); err != nil {
		return err
	}
	if diff := sum - total; diff > toleranceUSD || diff < -toleranceUSD {
		c.warnf("%s: funds add up to %s but Total is %s (US$m; off by %s, more than %s); flows kept as published",
			r.cells[0], millions(sum), millions(total), millions(abs(diff)), millions(toleranceUSD))
	}
	return nil
}

// farsideCell reads a cell in US$ millions as whole dollars; ok is false
// for no data: "-", an en or em dash, or an empty cell.
func farsideCell(text string) (usd int64, ok bool, err error) {
	switch text {
	case "", "-", "\u2013", "\u2014":
		return 0, false, nil
	}
	a, err := parseAmount(text)
	if err != nil {
		return 0, false, err
	}
	usd, ok = a.dollars(unitMillions)
	if !ok {
		return 0, false, fmt.Errorf("%q is not a whole number of dollars within range", text)
	}
	return usd, true, nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
