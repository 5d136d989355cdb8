package risk

import "slices"

const (
	msPerHour = int64(3_600_000)
	msPerDay  = 24 * msPerHour
)

// day returns the UTC day of a Unix millisecond time (days since the epoch).
func day(ms int64) int32 {
	d := ms / msPerDay
	if ms < 0 && ms%msPerDay != 0 {
		d--
	}
	return int32(d)
}

// weekday returns 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
func weekday(d int32) int32 {
	w := (int64(d) + 3) % 7
	if w < 0 {
		w += 7
	}
	return int32(w)
}

// isBusinessDay reports whether day d is a weekday not in holidays (sorted).
func isBusinessDay(d int32, holidays []int32) bool {
	if weekday(d) >= 5 {
		return false
	}
	_, found := slices.BinarySearch(holidays, d)
	return !found
}

// weekdaysBetween counts Monday–Friday days in [a, b).
func weekdaysBetween(a, b int32) int64 {
	if b <= a {
		return 0
	}
	n := int64(b - a)
	count := n / 7 * 5
	for d := a + int32(n/7*7); d < b; d++ {
		if weekday(d) < 5 {
			count++
		}
	}
	return count
}

// businessDaysBetween counts business days in [a, b).
func businessDaysBetween(a, b int32, holidays []int32) int64 {
	n := weekdaysBetween(a, b)
	lo, _ := slices.BinarySearch(holidays, a)
	hi, _ := slices.BinarySearch(holidays, b)
	return n - int64(hi-lo) // holidays holds weekdays only
}

// age returns the age of an observation made at from, at time to, in
// milliseconds of the input's clock: every millisecond on the calendar
// clock, only those on business days (UTC) on the business clock.
func (f freshness) age(from, to int64) int64 {
	if to <= from {
		return 0
	}
	if !f.business {
		return to - from
	}
	da, db := day(from), day(to)
	if da == db {
		if isBusinessDay(da, f.holidays) {
			return to - from
		}
		return 0
	}
	var ms int64
	if isBusinessDay(da, f.holidays) {
		ms += int64(da+1)*msPerDay - from
	}
	if isBusinessDay(db, f.holidays) {
		ms += to - int64(db)*msPerDay
	}
	return ms + businessDaysBetween(da+1, db, f.holidays)*msPerDay
}

// conf returns the confidence in an observation made at asOf, at time now:
// 1 up to cadence + grace, then 2^(−(age − cadence − grace)/half-life).
func (f freshness) conf(asOf, now int64) float64 {
	over := f.age(asOf, now) - f.cadenceMs - f.graceMs
	if over <= 0 {
		return 1
	}
	return decay(float64(over) / float64(f.halfLifeMs))
}
