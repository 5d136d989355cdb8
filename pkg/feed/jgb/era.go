package jgb

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// reEraDate is what the first cell of a MoF data row looks like: an era
// letter and year, month and day without zero padding, e.g. R7.12.1. Rows
// whose first cell does not match are titles, blanks or notices.
var reEraDate = regexp.MustCompile(`^([MTSHR])(\d+)\.(\d+)\.(\d+)$`)

// era is one Japanese imperial era: Gregorian year = era year + offset, and
// the era covers first … last (last zero for the current era).
type era struct {
	name        string
	offset      int
	first, last time.Time
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// eras maps the abbreviation MoF writes to the era. Meiji's first day is
// taken as 1 Jan 1868, the first day of Meiji 1 as years are counted.
var eras = map[byte]era{
	'M': {name: "Meiji", offset: 1867, first: day(1868, time.January, 1), last: day(1912, time.July, 29)},
	'T': {name: "Taisho", offset: 1911, first: day(1912, time.July, 30), last: day(1926, time.December, 24)},
	'S': {name: "Showa", offset: 1925, first: day(1926, time.December, 25), last: day(1989, time.January, 7)},
	'H': {name: "Heisei", offset: 1988, first: day(1989, time.January, 8), last: day(2019, time.April, 30)},
	'R': {name: "Reiwa", offset: 2018, first: day(2019, time.May, 1)},
}

// errNotEraDate means a cell is not shaped like an era date at all.
var errNotEraDate = errors.New("not an era date like R7.12.1")

// isEraDate reports whether s has the shape of an era date, valid or not.
func isEraDate(s string) bool { return reEraDate.MatchString(s) }

// parseEraDate converts an era date such as R7.12.1 to the Gregorian day at
// 00:00 UTC. It returns errNotEraDate for a cell of another shape, and a
// descriptive error for a date that does not exist: a day the month does not
// have (R7.2.30) or a day outside its era (H32.1.1, R1.4.30).
func parseEraDate(s string) (time.Time, error) {
	m := reEraDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, errNotEraDate
	}
	e := eras[m[1][0]]
	var n [3]int
	for i, part := range m[2:] {
		// Four digits is far beyond any real era year, month or day, and
		// keeps Atoi away from overflow.
		if len(part) > 4 {
			return time.Time{}, fmt.Errorf("%s: %q is not a year, month or day", clip(s), clip(part))
		}
		n[i], _ = strconv.Atoi(part) // digits only, by the pattern
	}
	year, month, dom := n[0], n[1], n[2]
	if year < 1 || month < 1 || month > 12 || dom < 1 || dom > 31 {
		return time.Time{}, fmt.Errorf("%s is not a calendar date", s)
	}
	t := day(year+e.offset, time.Month(month), dom)
	if t.Day() != dom { // time.Date normalised, e.g. 30 Feb to 2 Mar
		return time.Time{}, fmt.Errorf("%s is not a calendar date: %s has no day %d", s, time.Month(month), dom)
	}
	if t.Before(e.first) || !e.last.IsZero() && t.After(e.last) {
		return time.Time{}, fmt.Errorf("%s (%s) is outside the %s era", s, t.Format(time.DateOnly), e.name)
	}
	return t, nil
}
