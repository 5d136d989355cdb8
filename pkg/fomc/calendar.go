package fomc

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

//go:embed data/fomc.json
var fomcJSON []byte

// Meeting is one FOMC decision: a scheduled meeting, or an unscheduled
// (intermeeting) one that changed the target.
type Meeting struct {
	// Date is the decision day (the second day of a two-day meeting), UTC
	// midnight.
	Date time.Time
	// Tentative is true for meetings of a year the FOMC published only as
	// a tentative schedule.
	Tentative bool
	// Unscheduled is true for an intermeeting decision (a conference call
	// or emergency meeting that changed the target), which nobody could
	// know of before it was announced.
	Unscheduled bool
}

// String returns the decision day as YYYY-MM-DD, the form event.FedOdds
// carries.
func (m Meeting) String() string { return m.Date.Format(time.DateOnly) }

// TargetRange is the federal funds target set by one decision: a range
// from 16 Dec 2008 on, a single target rate before (then Lower = Upper).
type TargetRange struct {
	// Decision is the day the FOMC announced the range. The range is in
	// force from the next day on.
	Decision time.Time
	// Lower and Upper are the bounds in percent; both are the target rate
	// for a decision before the range regime.
	Lower, Upper float64
	// Source says where the value was checked.
	Source string
}

// Midpoint returns (Lower+Upper)/2 in percent.
func (r TargetRange) Midpoint() float64 { return (r.Lower + r.Upper) / 2 }

// Calendar is the FOMC meeting calendar and the federal funds target range
// history, as shipped in data/fomc.json (see data/README.md for sources).
// A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	years           map[int]bool
	byMonth         map[int]Meeting // scheduled, key year*100+month
	meetings        []Meeting
	unscheduled     []Meeting
	ranges          []TargetRange
	verifiedThrough time.Time
}

var shipped = sync.OnceValues(func() (*Calendar, error) { return ParseCalendar(fomcJSON) })

// Shipped returns the calendar embedded in the binary. It returns an error
// only if the embedded file is corrupt, which the package tests rule out.
func Shipped() (*Calendar, error) { return shipped() }

type calendarFile struct {
	Meetings []struct {
		Year        int      `json:"year"`
		Tentative   bool     `json:"tentative"`
		Source      string   `json:"source"`
		Dates       []string `json:"dates"`
		Unscheduled []string `json:"unscheduled"`
	} `json:"meetings"`
	VerifiedThrough string `json:"target_ranges_verified_through"`
	Ranges          []struct {
		Decision string   `json:"decision"`
		Lower    float64  `json:"lower"`
		Upper    float64  `json:"upper"`
		Target   *float64 `json:"target"`
		Source   string   `json:"source"`
	} `json:"target_ranges"`
}

// ParseCalendar reads a calendar in the format of data/fomc.json. It returns
// an error if the JSON is malformed, a date is not YYYY-MM-DD, a year is
// listed twice, a meeting lies outside its year, a scheduled meeting shares
// a month with another, an unscheduled decision falls on a scheduled
// meeting's day, the ranges are not in decision order, a range is not 25 bp
// wide on the 25 bp grid, or a target rate (an entry with "target" instead
// of "lower" and "upper") is off the grid or dated from 16 Dec 2008 on.
func ParseCalendar(data []byte) (*Calendar, error) {
	var f calendarFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse calendar: %w", err)
	}
	c := &Calendar{years: map[int]bool{}, byMonth: map[int]Meeting{}}
	for _, y := range f.Meetings {
		if c.years[y.Year] {
			return nil, fmt.Errorf("parse calendar: year %d listed twice", y.Year)
		}
		c.years[y.Year] = true
		for _, s := range y.Dates {
			d, err := listedDay(s, y.Year, "meeting")
			if err != nil {
				return nil, err
			}
			k := monthKey(d.Year(), d.Month())
			if _, dup := c.byMonth[k]; dup {
				return nil, fmt.Errorf("parse calendar: two meetings in %s", d.Format("2006-01"))
			}
			m := Meeting{Date: d, Tentative: y.Tentative}
			c.byMonth[k] = m
			c.meetings = append(c.meetings, m)
		}
		for _, s := range y.Unscheduled {
			d, err := listedDay(s, y.Year, "unscheduled decision")
			if err != nil {
				return nil, err
			}
			c.unscheduled = append(c.unscheduled, Meeting{Date: d, Unscheduled: true})
		}
	}
	byDate := func(a, b Meeting) int { return a.Date.Compare(b.Date) }
	slices.SortFunc(c.meetings, byDate)
	slices.SortFunc(c.unscheduled, byDate)
	for _, u := range c.unscheduled {
		if m, ok := c.byMonth[monthKey(u.Date.Year(), u.Date.Month())]; ok && m.Date.Equal(u.Date) {
			return nil, fmt.Errorf("parse calendar: %s is both a scheduled and an unscheduled decision", u)
		}
	}

	for i, r := range f.Ranges {
		d, err := time.Parse(time.DateOnly, r.Decision)
		if err != nil {
			return nil, fmt.Errorf("parse calendar: range decision %q: %w", r.Decision, err)
		}
		if i > 0 && !d.After(c.ranges[i-1].Decision) {
			return nil, fmt.Errorf("parse calendar: range %s out of order", r.Decision)
		}
		lo, hi := r.Lower, r.Upper
		switch {
		case r.Target != nil:
			if !d.Before(RangeRegimeStart) || lo != 0 || hi != 0 || !OnGrid(*r.Target) {
				return nil, fmt.Errorf("parse calendar: target %s: a target rate is one value on the 25 bp grid, decided before %s", r.Decision, RangeRegimeStart.Format(time.DateOnly))
			}
			lo, hi = *r.Target, *r.Target
		case !OnGrid(lo) || !OnGrid(hi) || math.Abs(hi-lo-0.25) > 1e-9:
			return nil, fmt.Errorf("parse calendar: range %s: %.2f-%.2f is not a 25 bp range on the 25 bp grid", r.Decision, lo, hi)
		}
		c.ranges = append(c.ranges, TargetRange{Decision: d, Lower: lo, Upper: hi, Source: r.Source})
	}
	if len(c.ranges) == 0 {
		return nil, fmt.Errorf("parse calendar: no target ranges")
	}
	vt, err := time.Parse(time.DateOnly, f.VerifiedThrough)
	if err != nil {
		return nil, fmt.Errorf("parse calendar: target_ranges_verified_through %q: %w", f.VerifiedThrough, err)
	}
	if vt.Before(c.ranges[len(c.ranges)-1].Decision) {
		return nil, fmt.Errorf("parse calendar: target_ranges_verified_through %s is before the last decision", f.VerifiedThrough)
	}
	c.verifiedThrough = vt
	return c, nil
}

// listedDay parses s, a date (the what) listed under year in the calendar
// file, and returns it; an error if it is no date or not in year.
func listedDay(s string, year int, what string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse calendar: %s %q: %w", what, s, err)
	}
	if d.Year() != year {
		return time.Time{}, fmt.Errorf("parse calendar: %s %s listed under %d", what, s, year)
	}
	return d, nil
}

// RangeRegimeStart is the decision day from which the FOMC sets a target
// range instead of a single target rate (16 Dec 2008).
var RangeRegimeStart = time.Date(2008, time.December, 16, 0, 0, 0, 0, time.UTC)

func monthKey(year int, month time.Month) int { return year*100 + int(month) }

// OnGrid reports whether v percent is a multiple of 25 bp. It has no error
// case.
func OnGrid(v float64) bool {
	q := v * 4
	return math.Abs(q-math.Round(q)) < 1e-9
}

// Covers reports whether the calendar lists the meetings of year.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// Years lists the covered years in order.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Meetings lists every shipped scheduled meeting in date order (the
// meetings a forecast can name in advance); see Unscheduled for the
// intermeeting decisions.
func (c *Calendar) Meetings() []Meeting { return slices.Clone(c.meetings) }

// Unscheduled lists every shipped unscheduled (intermeeting) decision in
// date order. It has no error case.
func (c *Calendar) Unscheduled() []Meeting { return slices.Clone(c.unscheduled) }

// UnscheduledIn lists the unscheduled decisions of the given month made on
// or before the UTC calendar day of known, in date order: what an observer
// on that day knows of. It has no error case; a month the calendar does not
// cover has none.
func (c *Calendar) UnscheduledIn(year int, month time.Month, known time.Time) []Meeting {
	last := utcDay(known)
	var out []Meeting
	for _, u := range c.unscheduled {
		if u.Date.Year() == year && u.Date.Month() == month && !u.Date.After(last) {
			out = append(out, u)
		}
	}
	return out
}

// MeetingIn returns the scheduled meeting held in the given month, if any
// (unscheduled decisions are not reported; see UnscheduledIn). It returns
// an error wrapping ErrNotCovered if the calendar does not list that year.
func (c *Calendar) MeetingIn(year int, month time.Month) (Meeting, bool, error) {
	if !c.years[year] {
		return Meeting{}, false, fmt.Errorf("%d-%02d: %w (covered: %v)", year, month, ErrNotCovered, c.Years())
	}
	m, ok := c.byMonth[monthKey(year, month)]
	return m, ok, nil
}

// NearestMeeting returns the scheduled meeting closest to t within
// ±window, if any.
func (c *Calendar) NearestMeeting(t time.Time, window time.Duration) (Meeting, bool) {
	var best Meeting
	bestGap := time.Duration(math.MaxInt64)
	for _, m := range c.meetings {
		gap := m.Date.Sub(t)
		if gap < 0 {
			gap = -gap
		}
		if gap <= window && gap < bestGap {
			best, bestGap = m, gap
		}
	}
	return best, bestGap <= window
}

// VerifiedThrough returns the last decision day up to which the range
// history is complete (every scheduled meeting until then checked).
func (c *Calendar) VerifiedThrough() time.Time { return c.verifiedThrough }

// RangeAt returns the target range in force on the UTC calendar day of t: the
// range of the latest decision made before that day (a decision takes
// effect the day after it is announced, so on a meeting day the range
// before the meeting is in force). It returns an error wrapping
// ErrUnknownRange if the day is before the history starts, or if a
// scheduled meeting after the verified part of the history has been held
// by then (or the calendar does not cover the years in between).
func (c *Calendar) RangeAt(t time.Time) (TargetRange, error) {
	d := utcDay(t)
	i, _ := slices.BinarySearchFunc(c.ranges, d, func(r TargetRange, d time.Time) int { return r.Decision.Compare(d) })
	if i == 0 {
		return TargetRange{}, fmt.Errorf("%s: %w: history starts %s", d.Format(time.DateOnly), ErrUnknownRange, c.ranges[0].Decision.Format(time.DateOnly))
	}
	if d.After(c.verifiedThrough) {
		for y := c.verifiedThrough.Year(); y <= d.Year(); y++ {
			if !c.years[y] {
				return TargetRange{}, fmt.Errorf("%s: %w: history verified through %s and the calendar does not cover %d", d.Format(time.DateOnly), ErrUnknownRange, c.verifiedThrough.Format(time.DateOnly), y)
			}
		}
		for _, m := range c.meetings {
			if m.Date.After(c.verifiedThrough) && m.Date.Before(d) {
				return TargetRange{}, fmt.Errorf("%s: %w: history verified through %s, the decision of %s is not shipped", d.Format(time.DateOnly), ErrUnknownRange, c.verifiedThrough.Format(time.DateOnly), m)
			}
		}
	}
	return c.ranges[i-1], nil
}

// utcDay returns midnight UTC of t's UTC calendar day.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
