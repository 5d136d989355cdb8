package markets

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// reISODate is YYYY-MM-DD, which time.Parse alone would not insist on.
var reISODate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// usDateLayout is MM/DD/YYYY, as the Treasury and CBOE write dates.
const usDateLayout = "01/02/2006"

// parser wraps the work of one format: its errors gain the format name and
// feed.ErrBadBody, and a failed parse returns no observations.
func parser(format, source string, parse func(c *collector, body []byte) error) feed.Parser {
	return func(body []byte, now time.Time) (feed.Observations, error) {
		c := newCollector(now, source)
		if err := parse(c, body); err != nil {
			return feed.Observations{}, fmt.Errorf("parse %s: %w: %w", format, feed.ErrBadBody, err)
		}
		return c.result(), nil
	}
}

// table is a CSV body being read: its header, cells trimmed, and the rows
// that follow.
type table struct {
	r      *csv.Reader
	header []string
}

// readTable checks that body is UTF-8 text with a header row (a leading
// byte-order mark is skipped) and returns it ready to read the rows.
func readTable(body []byte) (*table, error) {
	body, err := feedtext.Text(body)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1 // checked per row, with a clearer message
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err) // a *csv.ParseError names the line
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	r.ReuseRecord = true
	return &table{r: r, header: header}, nil
}

// column returns the index of the header cell equal to name, or an error
// saying what the format wants (want) if there is none or more than one.
func (t *table) column(name, want string) (int, error) {
	i := slices.Index(t.header, name)
	switch {
	case i < 0:
		return 0, fmt.Errorf("header: no %q column (want %s; got %q)", name, want, clip(strings.Join(t.header, ",")))
	case slices.Index(t.header[i+1:], name) >= 0:
		return 0, fmt.Errorf("header: column %q appears twice", name)
	}
	return i, nil
}

// rows calls fn for every row after the header that is not blank, cells
// trimmed, with its line number. A row whose number of cells differs from
// the header's (a truncated body, a stray comma) is an error, and so is
// any error of fn, prefixed with the line.
func (t *table) rows(fn func(line int, row []string) error) error {
	for {
		row, err := t.r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err // a *csv.ParseError names the line
		}
		line, _ := t.r.FieldPos(0)
		blank := true
		for i, cell := range row {
			row[i] = strings.TrimSpace(cell)
			blank = blank && row[i] == ""
		}
		if blank {
			continue
		}
		if len(row) != len(t.header) {
			return fmt.Errorf("line %d: %s where the header has %d", line, cells(len(row)), len(t.header))
		}
		if err := fn(line, row); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

// cells says "1 cell" or "n cells".
func cells(n int) string {
	if n == 1 {
		return "1 cell"
	}
	return strconv.Itoa(n) + " cells"
}

// isoDate reads YYYY-MM-DD as midnight UTC.
func isoDate(s string) (time.Time, error) {
	if !reISODate.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not a YYYY-MM-DD date", clip(s))
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a calendar date", s)
	}
	return d, nil
}

// usDate reads MM/DD/YYYY (two-digit month and day) as midnight UTC.
func usDate(s string) (time.Time, error) {
	d, err := time.Parse(usDateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an MM/DD/YYYY date", clip(s))
	}
	return d, nil
}

// value reads a cell as a plain decimal (157.41, 84826, -0.02, 17.240000).
// ok is false, with a nil error, for a cell that is one of the missing
// markers; anything else that is not a plain decimal is an error, so NaN,
// Inf, exponents and thousands separators never become numbers.
func value(cell string, missing ...string) (v float64, ok bool, err error) {
	if slices.Contains(missing, cell) {
		return 0, false, nil
	}
	if !feedtext.IsDecimal(cell) {
		return 0, false, fmt.Errorf("%q is not a number", clip(cell))
	}
	v, err = strconv.ParseFloat(cell, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a finite number", clip(cell)) // beyond float64's range
	}
	return v, true, nil
}

// clip shortens s for an error message.
func clip(s string) string { return feedtext.Clip(s, 60) }
