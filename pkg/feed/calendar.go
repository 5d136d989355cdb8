package feed

import (
	"fmt"
	"time"
)

// Calendar names the days on which a market input is observed: every
// weekday except the calendar's holidays. Holidays are computed from the
// rules that define them, checked against real publication gaps (see
// testdata/calendar/README.md); nothing is fetched.
type Calendar string

// The calendars a market input may follow.
const (
	// CalendarUSFederal is the US federal holidays of 5 U.S.C. 6103 as the
	// Federal Reserve's H.10 rates (FRED DEXJPUS) observe them: New Year's
	// Day, Martin Luther King Jr. Day (from 1986), Washington's Birthday,
	// Memorial Day, Juneteenth (from 2022, the first year the Reserve Banks
	// closed for it), Independence Day, Labor Day, Columbus Day, Veterans
	// Day, Thanksgiving and Christmas, a Saturday holiday observed the
	// Friday before and a Sunday one the Monday after; plus the federal
	// closures ordered for one day (9/11/2001, 26 Dec 2014, 5 and 24 Dec
	// 2018, 24 Dec 2020). Later one-off closures are not known to it.
	CalendarUSFederal Calendar = "us-federal"
	// CalendarTokyo is the Tokyo bank and bond-market holidays: Japan's
	// national holidays under the Act on National Holidays (equinoxes by
	// the astronomical formula valid 1980–2099, the Happy Monday days, the
	// 2019 enthronement and 2020/2021 Olympic moves, substitute and
	// citizens' holidays) plus 2 and 3 January and 31 December.
	CalendarTokyo Calendar = "tokyo"
	// CalendarTARGET is the TARGET2 closing days, on which the ECB sets no
	// reference rates: 1 January, Good Friday, Easter Monday, 1 May, 25 and
	// 26 December.
	CalendarTARGET Calendar = "target"
	// CalendarWeekdays is Monday to Friday, no holidays.
	CalendarWeekdays Calendar = "weekdays"
	// CalendarNone is every day of the week (crypto markets).
	CalendarNone Calendar = "none"
)

// Calendars lists the known calendars.
var Calendars = []Calendar{CalendarUSFederal, CalendarTokyo, CalendarTARGET, CalendarWeekdays, CalendarNone}

// Valid reports whether c is a known calendar.
func (c Calendar) Valid() bool {
	for _, k := range Calendars {
		if c == k {
			return true
		}
	}
	return false
}

// IsBusinessDay reports whether the date of t (its year, month and day in
// t's location) is a day the calendar observes. An unknown calendar
// observes every day.
func (c Calendar) IsBusinessDay(t time.Time) bool {
	if c == CalendarNone || !c.Valid() {
		return true
	}
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	switch c {
	case CalendarUSFederal:
		return !usFederalHolidays(y)[day] && !usFederalHolidays(y + 1)[day]
	case CalendarTokyo:
		return !tokyoHolidays(y)[day]
	case CalendarTARGET:
		return !targetHolidays(y)[day]
	}
	return true
}

// NextBusinessDay returns 00:00 UTC of the first day the calendar observes
// after the date of t.
func (c Calendar) NextBusinessDay(t time.Time) time.Time {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 30; i++ { // no calendar has 30 closed days in a row
		day = day.AddDate(0, 0, 1)
		if c.IsBusinessDay(day) {
			return day
		}
	}
	return day
}

// String returns the calendar's name.
func (c Calendar) String() string { return string(c) }

// date is 00:00 UTC of y-m-d.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// nthWeekday is the n-th (1-based) weekday wd of y-m; n = -1 is the last.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) time.Time {
	if n < 0 {
		last := date(y, m+1, 0)
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	first := date(y, m, 1)
	return first.AddDate(0, 0, (int(wd)-int(first.Weekday())+7)%7+7*(n-1))
}

// usObserved moves a holiday on a Saturday to the Friday before and one on
// a Sunday to the Monday after.
func usObserved(t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, -1)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// usFederalClosures are the one-day federal closures (an executive order,
// a national day of mourning, 9/11) on which the H.10 rates have no value.
var usFederalClosures = []time.Time{
	date(2001, 9, 11), date(2014, 12, 26), date(2018, 12, 5), date(2018, 12, 24), date(2020, 12, 24),
}

// usFederalHolidays returns the observed US federal holidays of year y
// (one of which, New Year's Day of y+1 on a Saturday, is 31 Dec of y: the
// caller also asks for y+1).
func usFederalHolidays(y int) map[time.Time]bool {
	h := map[time.Time]bool{
		usObserved(date(y, 1, 1)):                      true,
		nthWeekday(y, time.February, time.Monday, 3):   true,
		nthWeekday(y, time.May, time.Monday, -1):       true,
		usObserved(date(y, 7, 4)):                      true,
		nthWeekday(y, time.September, time.Monday, 1):  true,
		nthWeekday(y, time.October, time.Monday, 2):    true,
		usObserved(date(y, 11, 11)):                    true,
		nthWeekday(y, time.November, time.Thursday, 4): true,
		usObserved(date(y, 12, 25)):                    true,
	}
	if y >= 1986 {
		h[nthWeekday(y, time.January, time.Monday, 3)] = true
	}
	if y >= 2022 {
		h[usObserved(date(y, 6, 19))] = true
	}
	for _, c := range usFederalClosures {
		if c.Year() == y {
			h[c] = true
		}
	}
	return h
}

// easter is Easter Sunday of year y (Gregorian, the anonymous algorithm).
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date(y, time.Month(month), day)
}

// targetHolidays returns the TARGET2 closing days of year y.
func targetHolidays(y int) map[time.Time]bool {
	e := easter(y)
	return map[time.Time]bool{
		date(y, 1, 1): true, e.AddDate(0, 0, -2): true, e.AddDate(0, 0, 1): true,
		date(y, 5, 1): true, date(y, 12, 25): true, date(y, 12, 26): true,
	}
}

// equinox returns the day of the vernal (March) or autumnal (September)
// equinox in Japan by the formula of the National Astronomical
// Observatory's tables, valid 1980–2099.
func equinox(y int, base float64) int {
	return int(base+0.242194*float64(y-1980)) - (y-1980)/4
}

// japanNationalHolidays returns Japan's national holidays of year y (from
// 1999 on), with substitute and citizens' holidays.
func japanNationalHolidays(y int) map[time.Time]bool {
	h := map[time.Time]bool{
		date(y, 1, 1): true, date(y, 2, 11): true,
		date(y, 3, equinox(y, 20.8431)): true,
		date(y, 4, 29):                  true, date(y, 5, 3): true, date(y, 5, 5): true,
		date(y, 9, equinox(y, 23.2488)): true,
		date(y, 11, 3):                  true, date(y, 11, 23): true,
	}
	add := func(ds ...time.Time) {
		for _, d := range ds {
			h[d] = true
		}
	}
	if y < 2000 {
		add(date(y, 1, 15)) // Coming of Age Day
	} else {
		add(nthWeekday(y, time.January, time.Monday, 2))
	}
	if y >= 2020 {
		add(date(y, 2, 23)) // the Emperor's Birthday
	}
	if y <= 2018 {
		add(date(y, 12, 23))
	}
	if y >= 2007 {
		add(date(y, 5, 4)) // Greenery Day (before 2007 a citizens' holiday)
	}
	switch y {
	case 2019: // the enthronement
		add(date(2019, 4, 30), date(2019, 5, 1), date(2019, 5, 2), date(2019, 10, 22))
	case 2020: // Olympic moves: Marine Day, Sports Day, Mountain Day
		add(date(2020, 7, 23), date(2020, 7, 24), date(2020, 8, 10))
	case 2021:
		add(date(2021, 7, 22), date(2021, 7, 23), date(2021, 8, 8))
	}
	if y != 2020 && y != 2021 {
		if y < 2003 {
			add(date(y, 7, 20)) // Marine Day
		} else {
			add(nthWeekday(y, time.July, time.Monday, 3))
		}
		if y >= 2016 {
			add(date(y, 8, 11)) // Mountain Day
		}
		if y < 2000 {
			add(date(y, 10, 10)) // Health-Sports Day
		} else {
			add(nthWeekday(y, time.October, time.Monday, 2))
		}
	}
	if y < 2003 {
		add(date(y, 9, 15)) // Respect for the Aged Day
	} else {
		add(nthWeekday(y, time.September, time.Monday, 3))
	}
	// A holiday on a Sunday gives the next day off; from 2007 the next day
	// that is not a holiday.
	var subs []time.Time
	for d := date(y, 1, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
		if !h[d] || d.Weekday() != time.Sunday {
			continue
		}
		s := d.AddDate(0, 0, 1)
		for y >= 2007 && (h[s] || containsTime(subs, s)) {
			s = s.AddDate(0, 0, 1)
		}
		subs = append(subs, s)
	}
	add(subs...)
	// A day between two holidays is a citizens' holiday.
	for d := date(y, 1, 2); d.Year() == y; d = d.AddDate(0, 0, 1) {
		if !h[d] && d.Weekday() != time.Sunday && h[d.AddDate(0, 0, -1)] && h[d.AddDate(0, 0, 1)] {
			h[d] = true
		}
	}
	return h
}

// tokyoHolidays returns the Tokyo market holidays of year y: the national
// holidays and the banks' 2 and 3 January and 31 December.
func tokyoHolidays(y int) map[time.Time]bool {
	h := japanNationalHolidays(y)
	h[date(y, 1, 2)], h[date(y, 1, 3)], h[date(y, 12, 31)] = true, true, true
	return h
}

func containsTime(ts []time.Time, t time.Time) bool {
	for _, x := range ts {
		if x.Equal(t) {
			return true
		}
	}
	return false
}

// errUnknownCalendar describes an unknown calendar name.
func errUnknownCalendar(c Calendar) error {
	return fmt.Errorf("calendar %q is not one of %v", c, Calendars)
}
