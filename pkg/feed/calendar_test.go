package feed

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

func TestCalendarHolidays(t *testing.T) {
	tests := []struct {
		cal      Calendar
		date     string
		business bool
	}{
		// US federal, 2025: FRED DEXJPUS has no value on 11 and 27 Nov.
		{CalendarUSFederal, "2025-11-11", false}, // Veterans Day
		{CalendarUSFederal, "2025-11-27", false}, // Thanksgiving
		{CalendarUSFederal, "2025-11-28", true},
		{CalendarUSFederal, "2025-06-19", false}, // Juneteenth
		{CalendarUSFederal, "2021-12-31", false}, // New Year's Day 2022 is a Saturday
		{CalendarUSFederal, "2023-11-10", false}, // Veterans Day 2023 is a Saturday
		{CalendarUSFederal, "2026-01-19", false}, // Martin Luther King Jr. Day
		{CalendarUSFederal, "2027-07-05", false}, // Independence Day on a Sunday
		{CalendarUSFederal, "2025-04-18", true},  // Good Friday: not federal
		{CalendarUSFederal, "2025-11-22", false}, // a Saturday
		// Tokyo.
		{CalendarTokyo, "2025-11-24", false}, // substitute for Labour Thanksgiving on Sunday 23 Nov
		{CalendarTokyo, "2025-11-25", true},
		{CalendarTokyo, "2026-09-22", false}, // citizens' holiday between Respect for the Aged and the equinox
		{CalendarTokyo, "2027-03-22", false}, // substitute for the vernal equinox on Sunday 21 March
		{CalendarTokyo, "2025-12-31", false}, // banks' year end
		{CalendarTokyo, "2026-01-02", false},
		{CalendarTokyo, "2025-11-27", true}, // Thanksgiving is not Japanese
		// TARGET.
		{CalendarTARGET, "2025-04-18", false}, // Good Friday
		{CalendarTARGET, "2025-04-21", false}, // Easter Monday
		{CalendarTARGET, "2026-04-03", false}, // Good Friday 2026
		{CalendarTARGET, "2025-05-01", false},
		{CalendarTARGET, "2025-12-26", false},
		{CalendarTARGET, "2025-11-27", true},
		// Weekdays and none.
		{CalendarWeekdays, "2025-12-25", true},
		{CalendarWeekdays, "2025-11-22", false},
		{CalendarNone, "2025-11-22", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.business, tt.cal.IsBusinessDay(day(t, tt.date)), "%s %s", tt.cal, tt.date)
	}
}

// readGaps reads a file of dates under testdata/calendar.
func readGaps(t *testing.T, name string) map[time.Time]bool {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "calendar", name))
	require.NoError(t, err)
	defer f.Close()
	out := map[time.Time]bool{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out[day(t, line)] = true
		}
	}
	require.NoError(t, s.Err())
	require.NotEmpty(t, out)
	return out
}

// checkAgainstGaps compares a calendar's closed weekdays in [from, to]
// with a real series' gaps, both ways, but for the listed exceptions.
func checkAgainstGaps(t *testing.T, cal Calendar, gaps map[time.Time]bool, from, to string, unexplained ...string) {
	t.Helper()
	skip := map[time.Time]bool{}
	for _, u := range unexplained {
		skip[day(t, u)] = true
	}
	closed := 0
	for d := day(t, from); !d.After(day(t, to)); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || skip[d] {
			continue
		}
		if cal.IsBusinessDay(d) == gaps[d] {
			t.Errorf("%s %s: business day %t, but the series has a value: %t", cal, d.Format(time.DateOnly), cal.IsBusinessDay(d), !gaps[d])
		}
		if !cal.IsBusinessDay(d) {
			closed++
		}
	}
	assert.Equal(t, len(gaps)-len(unexplained), closed)
}

// The US federal calendar closes exactly the weekdays FRED DEXJPUS has no
// value on, 2010–2023, but five (see testdata/calendar/README.md).
func TestUSFederalMatchesDEXJPUS(t *testing.T) {
	checkAgainstGaps(t, CalendarUSFederal, readGaps(t, "fred_dexjpus_weekday_gaps_2010-2023.txt"), "2010-01-01", "2023-12-29",
		"2017-01-20", "2019-01-14", "2019-02-20", "2020-11-27", "2021-01-20")
}

// The Tokyo calendar closes exactly the weekdays the Ministry of Finance
// published no JGB yields on, 1999–2023.
func TestTokyoMatchesMoF(t *testing.T) {
	checkAgainstGaps(t, CalendarTokyo, readGaps(t, "mof_jgb_weekday_gaps_1999-2023.txt"), "1999-01-04", "2023-12-29")
}

func TestEaster(t *testing.T) {
	for y, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2000: "2000-04-23"} {
		assert.Equal(t, day(t, want), easter(y), y)
	}
}
