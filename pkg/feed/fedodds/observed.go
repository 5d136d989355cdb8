package fedodds

import (
	"fmt"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// ObservationHourUTC is the time of day, UTC, given to an observation whose
// source states only a date: 21:00 UTC is after CME's ZQ settlement (about
// 19:00–20:00 UTC) in both summer and winter time.
const ObservationHourUTC = 21

// observation reads a date (YYYY-MM-DD) or an RFC 3339 timestamp and returns
// the observation day (the calendar date as written) and the observation
// time. A date becomes that day at ObservationHourUTC; if that hour has not
// come yet on today's date (an intraday snapshot), the time is now. It
// returns an error for anything else, a day after today, a timestamp more
// than event.MaxClockSkew after now, or a time before event.MinObservedAt.
func observation(s string, now time.Time) (day, at time.Time, err error) {
	s = strings.TrimSpace(s)
	if d, perr := time.Parse(time.DateOnly, s); perr == nil {
		day = d
		at = d.Add(ObservationHourUTC * time.Hour)
		if at.After(now) {
			if !d.Equal(utcDay(now)) {
				return time.Time{}, time.Time{}, fmt.Errorf("date %s is after today (%s)", s, now.UTC().Format(time.DateOnly))
			}
			at = now
		}
	} else if t, perr := time.Parse(time.RFC3339Nano, s); perr == nil {
		y, m, dd := t.Date()
		day = time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		at = t
		if at.After(now.Add(event.MaxClockSkew)) {
			return time.Time{}, time.Time{}, fmt.Errorf("timestamp %s is after now (%s)", s, now.UTC().Format(time.RFC3339))
		}
	} else {
		return time.Time{}, time.Time{}, fmt.Errorf("%q is neither a YYYY-MM-DD date nor an RFC 3339 timestamp", s)
	}
	if at.Before(event.MinObservedAt) || day.Before(event.MinObservedAt) {
		return time.Time{}, time.Time{}, fmt.Errorf("%q is before 1970-01-01", s)
	}
	return day, event.Millis(at), nil
}

// utcDay returns midnight UTC of t's UTC calendar day.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
