package fomc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShipped(t *testing.T) {
	cal := mustShipped(t)
	var wantYears []int
	for y := 1999; y <= 2027; y++ {
		wantYears = append(wantYears, y)
	}
	assert.Equal(t, wantYears, cal.Years())
	perYear := map[int]int{}
	for _, m := range cal.Meetings() {
		perYear[m.Date.Year()]++
		assert.Equal(t, m.Date.Year() == 2027, m.Tentative, "meeting %s", m)
		assert.False(t, m.Unscheduled, "meeting %s", m)
		switch {
		case m.String() == "2015-09-17", // a Wednesday-Thursday meeting
			m.String() == "2018-11-08", m.String() == "2020-11-05", m.String() == "2024-11-07": // after an election
			assert.Equal(t, time.Thursday, m.Date.Weekday(), "meeting %s", m)
		case m.Date.Year() >= 2015:
			assert.Equal(t, time.Wednesday, m.Date.Weekday(), "meeting %s", m)
		default: // one-day Tuesday meetings were common before 2009
			assert.Contains(t, []time.Weekday{time.Tuesday, time.Wednesday, time.Thursday}, m.Date.Weekday(), "meeting %s", m)
		}
	}
	for _, y := range cal.Years() {
		want := 8
		if y == 2020 { // 17-18 March replaced by the unscheduled 15 March decision
			want = 7
		}
		assert.Equal(t, want, perYear[y], "scheduled meetings in %d", y)
	}
	var unscheduled []string
	for _, m := range cal.Unscheduled() {
		assert.True(t, m.Unscheduled, "decision %s", m)
		unscheduled = append(unscheduled, m.String())
	}
	assert.Equal(t, []string{"2001-01-03", "2001-04-18", "2001-09-17", "2008-01-22", "2008-10-08", "2020-03-03", "2020-03-15"}, unscheduled)
	assert.Equal(t, "2026-06-17", cal.VerifiedThrough().Format(time.DateOnly))
}

// Every decision that changed the target is a shipped meeting, scheduled
// or not, and every scheduled meeting from 1999 to 2023 is in the history
// period: the range history starts before the first 1999 meeting.
func TestTargetChangesAreMeetings(t *testing.T) {
	cal := mustShipped(t)
	decisions := map[string]bool{}
	for _, m := range append(cal.Meetings(), cal.Unscheduled()...) {
		decisions[m.String()] = true
	}
	first := cal.ranges[0]
	assert.Equal(t, "1998-11-17", first.Decision.Format(time.DateOnly))
	for _, r := range cal.ranges {
		if r.Decision.Year() < 1999 {
			continue
		}
		assert.True(t, decisions[r.Decision.Format(time.DateOnly)], "target change %s is no shipped decision", r.Decision.Format(time.DateOnly))
		assert.Equal(t, r.Decision.Before(RangeRegimeStart), r.Lower == r.Upper, "decision %s: a single rate before the range regime", r.Decision.Format(time.DateOnly))
	}
}

func TestUnscheduledIn(t *testing.T) {
	cal := mustShipped(t)
	tests := []struct {
		name  string
		known string
		year  int
		month time.Month
		want  []string
	}{
		{name: "before the call", known: "2008-10-07", year: 2008, month: time.October},
		{name: "on the decision day", known: "2008-10-08", year: 2008, month: time.October, want: []string{"2008-10-08"}},
		{name: "both March 2020 moves", known: "2020-03-31", year: 2020, month: time.March, want: []string{"2020-03-03", "2020-03-15"}},
		{name: "between the March 2020 moves", known: "2020-03-13", year: 2020, month: time.March, want: []string{"2020-03-03"}},
		{name: "none in a normal month", known: "2025-12-31", year: 2025, month: time.December},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range cal.UnscheduledIn(tt.year, tt.month, day(tt.known).Add(21*time.Hour)) {
				got = append(got, m.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMeetingIn(t *testing.T) {
	cal := mustShipped(t)
	tests := []struct {
		name        string
		year        int
		month       time.Month
		wantMeeting string
		wantErr     error
	}{
		{name: "worked example", year: 2015, month: time.September, wantMeeting: "2015-09-17"},
		{name: "no meeting in Aug 2015", year: 2015, month: time.August},
		{name: "Nov 2024 Thursday", year: 2024, month: time.November, wantMeeting: "2024-11-07"},
		{name: "Dec 2025", year: 2025, month: time.December, wantMeeting: "2025-12-10"},
		{name: "no meeting in Nov 2025", year: 2025, month: time.November},
		{name: "Jan 2026", year: 2026, month: time.January, wantMeeting: "2026-01-28"},
		{name: "tentative Jun 2027", year: 2027, month: time.June, wantMeeting: "2027-06-09"},
		{name: "Jan 2001 scheduled, not the 3 Jan call", year: 2001, month: time.January, wantMeeting: "2001-01-31"},
		{name: "Oct 2008 scheduled, not the 8 Oct call", year: 2008, month: time.October, wantMeeting: "2008-10-29"},
		{name: "Sep 2001 has no scheduled meeting", year: 2001, month: time.September},
		{name: "no scheduled meeting in Mar 2020", year: 2020, month: time.March},
		{name: "2019", year: 2019, month: time.July, wantMeeting: "2019-07-31"},
		{name: "1998 not shipped", year: 1998, month: time.December, wantErr: ErrNotCovered},
		{name: "2028 not shipped", year: 2028, month: time.January, wantErr: ErrNotCovered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, has, err := cal.MeetingIn(tt.year, tt.month)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantMeeting != "", has)
			if has {
				assert.Equal(t, tt.wantMeeting, m.String())
			}
		})
	}
}

func TestRangeAt(t *testing.T) {
	cal := mustShipped(t)
	tests := []struct {
		name      string
		day       string
		wantLower float64
		wantUpper float64
		wantErr   error
	}{
		{name: "before the history", day: "1998-11-17", wantErr: ErrUnknownRange},
		{name: "first target", day: "1999-01-04", wantLower: 4.75, wantUpper: 4.75},
		{name: "intermeeting cut day keeps the old target", day: "2001-01-03", wantLower: 6.5, wantUpper: 6.5},
		{name: "intermeeting cut in force", day: "2001-01-04", wantLower: 6, wantUpper: 6},
		{name: "after 9/11", day: "2001-09-18", wantLower: 3, wantUpper: 3},
		{name: "coordinated cut", day: "2008-10-09", wantLower: 1.5, wantUpper: 1.5},
		{name: "range regime starts the day after", day: "2008-12-16", wantLower: 1, wantUpper: 1},
		{name: "first range", day: "2008-12-17", wantLower: 0, wantUpper: 0.25},
		{name: "between the March 2020 moves", day: "2020-03-13", wantLower: 1, wantUpper: 1.25},
		{name: "worked example day", day: "2015-08-31", wantLower: 0, wantUpper: 0.25},
		{name: "decision day keeps the old range", day: "2015-12-16", wantLower: 0, wantUpper: 0.25},
		{name: "liftoff in force", day: "2015-12-17", wantLower: 0.25, wantUpper: 0.5},
		{name: "2020 zero lower bound", day: "2020-03-16", wantLower: 0, wantUpper: 0.25},
		{name: "2023 peak", day: "2024-09-18", wantLower: 5.25, wantUpper: 5.5},
		{name: "Sep 2024 -50", day: "2024-09-19", wantLower: 4.75, wantUpper: 5},
		{name: "Nov 2024 -25", day: "2024-11-08", wantLower: 4.5, wantUpper: 4.75},
		{name: "Dec 2024 -25", day: "2024-12-19", wantLower: 4.25, wantUpper: 4.5},
		{name: "carry unwind 5 Aug 2024", day: "2024-08-05", wantLower: 5.25, wantUpper: 5.5},
		{name: "Sep 2025 -25", day: "2025-09-18", wantLower: 4, wantUpper: 4.25},
		{name: "Oct 2025 -25", day: "2025-10-30", wantLower: 3.75, wantUpper: 4},
		{name: "seed episode", day: "2025-11-27", wantLower: 3.75, wantUpper: 4},
		{name: "Dec 2025 -25", day: "2025-12-11", wantLower: 3.5, wantUpper: 3.75},
		{name: "verified hold through Jun 2026", day: "2026-07-29", wantLower: 3.5, wantUpper: 3.75},
		{name: "Jul 2026 decision not shipped", day: "2026-07-30", wantErr: ErrUnknownRange},
		{name: "2028 not covered", day: "2028-03-01", wantErr: ErrUnknownRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := cal.RangeAt(day(tt.day).Add(21 * time.Hour))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantLower, r.Lower)
			assert.Equal(t, tt.wantUpper, r.Upper)
			assert.Equal(t, (tt.wantLower+tt.wantUpper)/2, r.Midpoint())
		})
	}
}

func TestParseCalendarErrors(t *testing.T) {
	const ranges = `"target_ranges_verified_through": "2025-12-10", "target_ranges": [{"decision": "2025-12-10", "lower": 3.5, "upper": 3.75}]`
	tests := []struct {
		name    string
		data    string
		wantMsg string
	}{
		{name: "not JSON", data: `meetings`, wantMsg: "parse calendar"},
		{name: "year twice", data: `{"meetings": [{"year": 2025, "dates": []}, {"year": 2025, "dates": []}], ` + ranges + `}`, wantMsg: "year 2025 listed twice"},
		{name: "meeting in wrong year", data: `{"meetings": [{"year": 2025, "dates": ["2026-01-28"]}], ` + ranges + `}`, wantMsg: "listed under 2025"},
		{name: "two meetings in a month", data: `{"meetings": [{"year": 2025, "dates": ["2025-03-04", "2025-03-19"]}], ` + ranges + `}`, wantMsg: "two meetings in 2025-03"},
		{name: "bad date", data: `{"meetings": [{"year": 2025, "dates": ["2025-02-30"]}], ` + ranges + `}`, wantMsg: "2025-02-30"},
		{name: "no ranges", data: `{"meetings": [], "target_ranges_verified_through": "2025-12-10", "target_ranges": []}`, wantMsg: "no target ranges"},
		{name: "range not 25 bp wide", data: `{"meetings": [], "target_ranges_verified_through": "2025-12-10", "target_ranges": [{"decision": "2025-12-10", "lower": 3.5, "upper": 4}]}`, wantMsg: "not a 25 bp range"},
		{name: "ranges out of order", data: `{"meetings": [], "target_ranges_verified_through": "2025-12-10", "target_ranges": [{"decision": "2025-12-10", "lower": 3.5, "upper": 3.75}, {"decision": "2025-10-29", "lower": 3.75, "upper": 4}]}`, wantMsg: "out of order"},
		{name: "target rate off the grid", data: `{"meetings": [], "target_ranges_verified_through": "2025-12-10", "target_ranges": [{"decision": "2001-01-03", "target": 6.1}, {"decision": "2025-12-10", "lower": 3.5, "upper": 3.75}]}`, wantMsg: "a target rate is one value"},
		{name: "target rate in the range regime", data: `{"meetings": [], "target_ranges_verified_through": "2025-12-10", "target_ranges": [{"decision": "2025-12-10", "target": 3.5}]}`, wantMsg: "a target rate is one value"},
		{name: "unscheduled on a scheduled day", data: `{"meetings": [{"year": 2025, "dates": ["2025-12-10"], "unscheduled": ["2025-12-10"]}], ` + ranges + `}`, wantMsg: "both a scheduled and an unscheduled"},
		{name: "unscheduled in wrong year", data: `{"meetings": [{"year": 2025, "dates": [], "unscheduled": ["2024-12-10"]}], ` + ranges + `}`, wantMsg: "listed under 2025"},
		{name: "verified before last decision", data: `{"meetings": [], "target_ranges_verified_through": "2025-01-01", "target_ranges": [{"decision": "2025-12-10", "lower": 3.5, "upper": 3.75}]}`, wantMsg: "before the last decision"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCalendar([]byte(tt.data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

// day parses a YYYY-MM-DD test date.
func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// mustShipped returns the shipped calendar, failing the test if it does
// not parse.
func mustShipped(t *testing.T) *Calendar {
	t.Helper()
	cal, err := Shipped()
	require.NoError(t, err)
	return cal
}
