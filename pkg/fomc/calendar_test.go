package fomc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShipped(t *testing.T) {
	cal, err := Shipped()
	require.NoError(t, err)
	assert.Equal(t, []int{2015, 2024, 2025, 2026, 2027}, cal.Years())
	perYear := map[int]int{}
	for _, m := range cal.Meetings() {
		perYear[m.Date.Year()]++
		assert.Equal(t, m.Date.Year() == 2027, m.Tentative, "meeting %s", m)
		wantDay := time.Wednesday
		switch m.String() {
		case "2015-09-17": // a Wednesday-Thursday meeting
			wantDay = time.Thursday
		case "2024-11-07": // moved after the 5 Nov 2024 election
			wantDay = time.Thursday
		}
		assert.Equal(t, wantDay, m.Date.Weekday(), "meeting %s", m)
	}
	for _, y := range cal.Years() {
		assert.Equal(t, 8, perYear[y], "meetings in %d", y)
	}
	assert.Equal(t, "2026-06-17", cal.VerifiedThrough().Format(time.DateOnly))
}

func TestMeetingIn(t *testing.T) {
	cal, err := Shipped()
	require.NoError(t, err)
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
		{name: "2019 not shipped", year: 2019, month: time.July, wantErr: ErrNotCovered},
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
	cal, err := Shipped()
	require.NoError(t, err)
	tests := []struct {
		name      string
		day       string
		wantLower float64
		wantUpper float64
		wantErr   error
	}{
		{name: "before the history", day: "2008-12-16", wantErr: ErrUnknownRange},
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
