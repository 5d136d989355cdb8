package jgb

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// mofDateHeader is the first cell of the MoF header row: 基準日, "base date".
const mofDateHeader = "基準日"

// reMoFTenor is a MoF tenor column header: 1年 … 40年 ("N years").
var reMoFTenor = regexp.MustCompile(`^(\d{1,2})年$`)

// ParseMoF reads the Japan Ministry of Finance JGB interest-rate CSV, either
// the current month (jgbcm.csv) or the full history (jgbcm_all.csv), and
// returns one event.JGBYield per date and tenor with Source "mof" and
// ObservedAt the business date at 06:00 UTC (15:00 JST, the Tokyo close).
//
// The body is Shift_JIS (CP932) as MoF serves it, or UTF-8 if it is valid
// UTF-8 and contains the header 基準日; CRLF, LF and CR line ends all work.
// Lines before the header row `基準日,1年,…,40年` (the title) are ignored;
// columns are keyed by their header text, 10年 becoming tenor "10Y". A data
// row starts with an era date (R7.12.1: Reiwa 7 = 2025; also S, H, M, T);
// any other row (blank, notice, trailer) is skipped. A value "-" means no
// observation and gives no event. Rows dated before 1970-01-01
// (event.MinObservedAt), which MoF's files do not have, are left out with
// one warning (see the package documentation).
//
// The error wraps feed.ErrBadBody, naming the line, date and column, when
// the body is empty or has no 基準日 header, the header has a column that
// is not a tenor or repeats one, a data row is shorter than the header, a
// date does not exist (R7.2.30) or repeats, a value is neither a number nor
// "-" or lies outside [-10, 30] %, or a date lies in the future of now.
func ParseMoF(body []byte, now time.Time) (feed.Observations, error) {
	return parseMoF(SourceMoF, body, now)
}

// mofParser returns ParseMoF with another source name.
func mofParser(source string) feed.Parser {
	return func(body []byte, now time.Time) (feed.Observations, error) {
		return parseMoF(source, body, now)
	}
}

func parseMoF(source string, body []byte, now time.Time) (feed.Observations, error) {
	table, err := readMoF(body)
	if err != nil {
		return feed.Observations{}, fmt.Errorf("parse mof-jgb: %w: %w", feed.ErrBadBody, err)
	}
	obs := feed.Observations{Warnings: table.warnings}
	var old oldRows
	for _, row := range table.rows {
		at := row.date.Add(closeUTC)
		keep, err := checkObserved(at, now)
		if err != nil {
			return feed.Observations{}, fmt.Errorf("parse mof-jgb: %w: line %d (%s): %w", feed.ErrBadBody, row.line, row.label, err)
		}
		if !keep {
			old.add(row.label)
			continue
		}
		for _, v := range row.values {
			obs.Events = append(obs.Events, &event.JGBYield{
				Meta:     event.Meta{Source: source, ObservedAt: at},
				Tenor:    v.tenor,
				YieldPct: v.pct,
			})
		}
	}
	obs.Warnings = append(obs.Warnings, old.warning()...)
	sortEvents(obs.Events)
	return obs, nil
}

// mofTable is a MoF CSV read and checked, before any event is made.
type mofTable struct {
	rows     []mofRow
	warnings []string
}

// mofRow is one data row: its values in column order, "-" left out.
type mofRow struct {
	line   int       // 1-based line in the body
	label  string    // the era date as written, e.g. R7.12.1
	date   time.Time // the Gregorian day, 00:00 UTC
	values []tenorValue
}

type tenorValue struct {
	tenor string
	pct   float64
}

// readMoF decodes and checks a MoF body. Errors say what is wrong and where,
// without the ErrBadBody wrapping the caller adds.
//
// MoF writes no quotes, so lines are split on commas rather than read with
// encoding/csv: a stray quote in a notice row can then neither fail the
// body nor swallow the rows after it.
func readMoF(body []byte) (mofTable, error) {
	text, err := decodeMoF(body)
	if err != nil {
		return mofTable{}, err
	}
	lines := strings.Split(text, "\n")

	headerAt := -1
	for i, line := range lines {
		if first, _, _ := strings.Cut(line, ","); strings.TrimSpace(first) == mofDateHeader {
			headerAt = i
			break
		}
	}
	if headerAt < 0 {
		return mofTable{}, noMoFHeader(text)
	}
	for i, line := range lines[:headerAt] {
		if first, _, _ := strings.Cut(line, ","); isEraDate(strings.TrimSpace(first)) {
			return mofTable{}, fmt.Errorf("line %d: data row %s comes before the %s header row on line %d", i+1, strings.TrimSpace(first), mofDateHeader, headerAt+1)
		}
	}
	tenors, err := mofHeader(cells(lines[headerAt]), headerAt+1)
	if err != nil {
		return mofTable{}, err
	}

	var table mofTable
	seen := make(map[time.Time]int)
	for i := headerAt + 1; i < len(lines); i++ {
		lineNo := i + 1
		row := cells(lines[i])
		label := row[0]
		if !isEraDate(label) {
			if w := skippedRowWarning(lineNo, row); w != "" {
				table.warnings = append(table.warnings, w)
			}
			continue
		}
		date, err := parseEraDate(label)
		if err != nil {
			return mofTable{}, fmt.Errorf("line %d: date %w", lineNo, err)
		}
		if prev, ok := seen[date]; ok {
			return mofTable{}, fmt.Errorf("line %d (%s): date %s repeats line %d", lineNo, label, date.Format(time.DateOnly), prev)
		}
		seen[date] = lineNo
		if len(row) < len(tenors) {
			return mofTable{}, fmt.Errorf("line %d (%s): truncated row: %d cells where the header has %d", lineNo, label, len(row), len(tenors))
		}
		for col := len(tenors); col < len(row); col++ {
			if row[col] != "" {
				return mofTable{}, fmt.Errorf("line %d (%s): cell %d %q lies beyond the header's %d columns", lineNo, label, col+1, clip(row[col]), len(tenors))
			}
		}
		r := mofRow{line: lineNo, label: label, date: date}
		for col := 1; col < len(tenors); col++ {
			pct, ok, err := parseYield(row[col], false)
			if err != nil {
				return mofTable{}, fmt.Errorf("line %d (%s), column %s: %w", lineNo, label, tenors[col].header, err)
			}
			if ok {
				r.values = append(r.values, tenorValue{tenor: tenors[col].tenor, pct: pct})
			}
		}
		table.rows = append(table.rows, r)
	}
	return table, nil
}

// decodeMoF returns the body as UTF-8 text with LF line ends. A body that is
// valid UTF-8 and contains 基準日 is taken as is; any other is decoded from
// Shift_JIS (CP932), whose decoder never fails: bytes it cannot map become
// U+FFFD, and the missing header then rejects the body.
func decodeMoF(body []byte) (string, error) {
	body, err := feedtext.Trim(body)
	if err != nil {
		return "", err
	}
	var text string
	if utf8.Valid(body) && bytes.Contains(body, []byte(mofDateHeader)) {
		text = string(body)
	} else {
		decoded, err := japanese.ShiftJIS.NewDecoder().Bytes(body)
		if err != nil {
			return "", fmt.Errorf("decode Shift_JIS: %w", err)
		}
		text = string(decoded)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "\n"), nil
}

// noMoFHeader words the error for a body without a 基準日 header row.
func noMoFHeader(text string) error {
	const want = "no 基準日 header row (want 基準日,1年,2年,…,40年): not a MoF JGB CSV"
	trimmed := strings.TrimSpace(text)
	lower := strings.ToLower(trimmed[:min(len(trimmed), 512)])
	if strings.HasPrefix(trimmed, "<") || strings.Contains(lower, "<html") || strings.Contains(lower, "<!doctype") {
		return errors.New(want + ", but an HTML page")
	}
	first, _, _ := strings.Cut(trimmed, "\n")
	return fmt.Errorf("%s; it starts %q", want, clip(first))
}

// mofColumn is one header cell: its text and the tenor it names.
type mofColumn struct {
	header string // e.g. 10年
	tenor  string // e.g. 10Y
}

// mofHeader maps the header row to tenors by column; column 0 is the date.
// Trailing empty cells are dropped; any other cell must be a tenor like 10年
// that appears once.
func mofHeader(row []string, lineNo int) ([]mofColumn, error) {
	for len(row) > 1 && row[len(row)-1] == "" {
		row = row[:len(row)-1]
	}
	cols := make([]mofColumn, len(row))
	cols[0] = mofColumn{header: row[0]}
	seen := make(map[string]int)
	for i := 1; i < len(row); i++ {
		m := reMoFTenor.FindStringSubmatch(row[i])
		n := 0
		if m != nil {
			n, _ = strconv.Atoi(m[1]) // one or two digits, by the pattern
		}
		tenor := strconv.Itoa(n) + "Y"
		if m == nil || event.TenorMonths(tenor) == 0 {
			return nil, fmt.Errorf("line %d: header column %d %q is not a tenor like 10年", lineNo, i+1, clip(row[i]))
		}
		if prev, ok := seen[tenor]; ok {
			return nil, fmt.Errorf("line %d: header column %d %q repeats column %d", lineNo, i+1, row[i], prev)
		}
		seen[tenor] = i + 1
		cols[i] = mofColumn{header: row[i], tenor: tenor}
	}
	if len(cols) < 2 {
		return nil, fmt.Errorf("line %d: header has no tenor columns", lineNo)
	}
	return cols, nil
}

// skippedRowWarning returns a warning for a row after the header that is
// skipped although it is neither blank nor one of MoF's ※ notices, "" for
// those.
func skippedRowWarning(lineNo int, row []string) string {
	if strings.HasPrefix(row[0], "※") {
		return ""
	}
	for _, c := range row {
		if c != "" {
			return fmt.Sprintf("line %d skipped: %q is not an era date like R7.12.1", lineNo, clip(row[0]))
		}
	}
	return ""
}

// cells splits a MoF line on commas and trims each cell of spaces and of the
// quotes a spreadsheet export might add.
func cells(line string) []string {
	row := strings.Split(line, ",")
	for i, c := range row {
		c = strings.TrimSpace(c)
		if len(c) >= 2 && c[0] == '"' && c[len(c)-1] == '"' {
			c = strings.TrimSpace(c[1 : len(c)-1])
		}
		row[i] = c
	}
	return row
}

// clip shortens s for an error message.
func clip(s string) string { return feedtext.Clip(s, 40) }
