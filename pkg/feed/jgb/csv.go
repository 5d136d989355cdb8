package jgb

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// The columns a plain JGB CSV must have, matched by header name.
const (
	colDate  = "date"
	colTenor = "tenor"
	colYield = "yield_pct"
)

var reDateOnly = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ParseCSV returns a parser for a plain UTF-8 CSV of JGB yields with a header
// row naming the columns date, tenor and yield_pct, in any order (matched
// without regard to case; other columns are ignored; lines starting with #
// are comments). Each row gives one event.JGBYield with the given source
// ("" means SourceCSV, "jgb-csv"):
//
//   - date is YYYY-MM-DD, observed at 06:00 UTC (15:00 JST, the Tokyo
//     close, as for ParseMoF), or a full RFC 3339 timestamp, kept as given
//     in UTC;
//   - tenor is like 2Y, 10Y or 6M (case does not matter);
//   - yield_pct is a plain decimal in percent; empty or "-" means no
//     observation and gives no event.
//
// Rows dated before 1970-01-01 (event.MinObservedAt) are left out with one
// warning. The parser's error wraps feed.ErrBadBody, naming the line and
// column, when the body is empty or not UTF-8 CSV, a column is missing or
// repeated, a row has more or fewer cells than the header, a date, tenor or
// yield is malformed, a yield lies outside [-10, 30] %, a date lies in the
// future of now, or a tenor repeats on one day. If source is not a valid
// event source (lowercase [a-z0-9_.-]), every call returns an error wrapping
// feed.ErrBadParam; Formats checks it up front.
func ParseCSV(source string) feed.Parser {
	if source == "" {
		source = SourceCSV
	}
	if err := checkSource(source); err != nil {
		return func([]byte, time.Time) (feed.Observations, error) {
			return feed.Observations{}, fmt.Errorf("parse jgb-csv: %w", err)
		}
	}
	return func(body []byte, now time.Time) (feed.Observations, error) {
		obs, err := parseCSV(source, body, now)
		if err != nil {
			return feed.Observations{}, fmt.Errorf("parse jgb-csv: %w: %w", feed.ErrBadBody, err)
		}
		return obs, nil
	}
}

// parseCSV does ParseCSV's work; errors lack the ErrBadBody wrapping.
func parseCSV(source string, body []byte, now time.Time) (feed.Observations, error) {
	body, err := feedtext.Text(body)
	if err != nil {
		return feed.Observations{}, err
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1 // checked below, with a clearer message
	r.Comment = '#'
	r.TrimLeadingSpace = true

	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return feed.Observations{}, errors.New("no header row, only comments")
	}
	if err != nil {
		return feed.Observations{}, fmt.Errorf("header: %w", err)
	}
	idx, err := csvColumns(header)
	if err != nil {
		return feed.Observations{}, err
	}

	var (
		obs  feed.Observations
		old  oldRows
		seen = make(map[dayKey]int)
	)
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return feed.Observations{}, err // a *csv.ParseError names the line
		}
		lineNo, _ := r.FieldPos(0)
		if blank(row) {
			continue
		}
		if len(row) != len(header) {
			return feed.Observations{}, fmt.Errorf("line %d: %d cells where the header has %d", lineNo, len(row), len(header))
		}
		y, ok, err := csvRow(row, idx, source)
		if err != nil {
			return feed.Observations{}, fmt.Errorf("line %d: %w", lineNo, err)
		}
		if !ok {
			continue
		}
		keep, err := checkObserved(y.ObservedAt, now)
		if err != nil {
			return feed.Observations{}, fmt.Errorf("line %d: %s: %w", lineNo, colDate, err)
		}
		if !keep {
			old.add(row[idx[colDate]])
			continue
		}
		k := keyOf(y)
		if prev, ok := seen[k]; ok {
			return feed.Observations{}, fmt.Errorf("line %d: tenor %s on %s repeats line %d", lineNo, k.tenor, k.date, prev)
		}
		seen[k] = lineNo
		obs.Events = append(obs.Events, y)
	}
	obs.Warnings = old.warning()
	sortEvents(obs.Events)
	return obs, nil
}

// csvColumns maps the required column names to their index in header.
func csvColumns(header []string) (map[string]int, error) {
	idx := make(map[string]int, 3)
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name != colDate && name != colTenor && name != colYield {
			continue
		}
		if prev, ok := idx[name]; ok {
			return nil, fmt.Errorf("header: column %q appears twice (columns %d and %d)", name, prev+1, i+1)
		}
		idx[name] = i
	}
	for _, name := range []string{colDate, colTenor, colYield} {
		if _, ok := idx[name]; !ok {
			return nil, fmt.Errorf("header: no %q column (want %s,%s,%s in any order; got %q)", name, colDate, colTenor, colYield, clip(strings.Join(header, ",")))
		}
	}
	return idx, nil
}

// csvRow reads one data row. ok is false, with a nil error, for a row with
// no yield ("" or "-").
func csvRow(row []string, idx map[string]int, source string) (*event.JGBYield, bool, error) {
	pct, ok, err := parseYield(strings.TrimSpace(row[idx[colYield]]), true)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", colYield, err)
	}
	at, err := csvTime(strings.TrimSpace(row[idx[colDate]]))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", colDate, err)
	}
	tenor := strings.ToUpper(strings.TrimSpace(row[idx[colTenor]]))
	if event.TenorMonths(tenor) == 0 {
		return nil, false, fmt.Errorf("%s: %q is not like 2Y, 10Y or 6M", colTenor, clip(tenor))
	}
	if !ok {
		return nil, false, nil
	}
	return &event.JGBYield{
		Meta:     event.Meta{Source: source, ObservedAt: at},
		Tenor:    tenor,
		YieldPct: pct,
	}, true, nil
}

// csvTime reads a YYYY-MM-DD date (at 06:00 UTC) or an RFC 3339 timestamp.
func csvTime(s string) (time.Time, error) {
	if reDateOnly.MatchString(s) {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a calendar date", s)
		}
		return d.Add(closeUTC), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not YYYY-MM-DD or an RFC 3339 timestamp", clip(s))
	}
	return t.UTC(), nil
}

// blank reports whether every cell of row is empty or spaces.
func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkSource returns an error wrapping feed.ErrBadParam unless source is
// one event.Meta's validation accepts.
func checkSource(source string) error {
	if err := feed.CheckSource(source); err != nil {
		return fmt.Errorf("%w: %w", feed.ErrBadParam, err)
	}
	return nil
}
