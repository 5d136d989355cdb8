package fedodds

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ContractMonth is the delivery month of a 30-day Fed funds future (CME
// ZQ): the month whose average daily effective federal funds rate the
// contract settles to.
type ContractMonth struct {
	Year  int
	Month time.Month
}

// MonthOf returns the contract month containing t's UTC calendar day.
func MonthOf(t time.Time) ContractMonth {
	t = t.UTC()
	return ContractMonth{Year: t.Year(), Month: t.Month()}
}

// String returns YYYY-MM.
func (c ContractMonth) String() string { return fmt.Sprintf("%04d-%02d", c.Year, c.Month) }

// Code returns the CME code with a one-digit year, e.g. ZQZ5.
func (c ContractMonth) Code() string {
	return "ZQ" + string(monthCodes[c.Month-1]) + strconv.Itoa(((c.Year%10)+10)%10)
}

// Next returns the following month.
func (c ContractMonth) Next() ContractMonth {
	if c.Month == time.December {
		return ContractMonth{Year: c.Year + 1, Month: time.January}
	}
	return ContractMonth{Year: c.Year, Month: c.Month + 1}
}

// Prev returns the preceding month.
func (c ContractMonth) Prev() ContractMonth {
	if c.Month == time.January {
		return ContractMonth{Year: c.Year - 1, Month: time.December}
	}
	return ContractMonth{Year: c.Year, Month: c.Month - 1}
}

// Days returns the number of days in the month.
func (c ContractMonth) Days() int {
	return time.Date(c.Year, c.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Before reports whether c is earlier than d.
func (c ContractMonth) Before(d ContractMonth) bool {
	return c.Year < d.Year || c.Year == d.Year && c.Month < d.Month
}

// monthCodes are the CME futures month letters, January first.
const monthCodes = "FGHJKMNQUVXZ"

// ParseContract reads a contract month written YYYY-MM or as a CME code:
// an optional ZQ or FF prefix (FF is the old CBOT symbol CME's worked
// examples use), a month letter (F G H J K M N Q U V X Z) and a one- or
// two-digit year. A one-digit year is resolved relative to the observation
// day obs: to the year ending in that digit within [obs year − 2, obs year
// + 7], which covers every listed ZQ expiry and recently expired ones. A
// two-digit year means 20YY. It returns an error for anything else.
func ParseContract(s string, obs time.Time) (ContractMonth, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01", s); err == nil {
		return ContractMonth{Year: t.Year(), Month: t.Month()}, nil
	}
	u := strings.ToUpper(s)
	u = strings.TrimPrefix(u, "ZQ")
	if len(u) == len(s) {
		u = strings.TrimPrefix(u, "FF")
	}
	if len(u) < 2 || len(u) > 3 {
		return ContractMonth{}, fmt.Errorf("contract %q is neither YYYY-MM nor a CME code like ZQZ5 or ZQZ25", s)
	}
	mi := strings.IndexByte(monthCodes, u[0])
	if mi < 0 {
		return ContractMonth{}, fmt.Errorf("contract %q: %q is not a futures month letter (%s)", s, u[0], monthCodes)
	}
	digits := u[1:]
	for _, r := range digits {
		if r < '0' || r > '9' {
			return ContractMonth{}, fmt.Errorf("contract %q: year %q is not digits", s, digits)
		}
	}
	n, _ := strconv.Atoi(digits)
	year := 2000 + n
	if len(digits) == 1 {
		oy := obs.UTC().Year()
		year = oy - 2 + ((n-(oy-2))%10+10)%10
	}
	return ContractMonth{Year: year, Month: time.Month(mi + 1)}, nil
}
