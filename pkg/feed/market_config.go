package feed

import (
	"time"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/event"
)

// Cadence is how often a market input is observed.
type Cadence string

// The cadences of market inputs.
const (
	// CadenceDaily is one observation per business day of the calendar.
	CadenceDaily Cadence = "daily"
	// CadenceMinute is at most one observation a minute (exchange tickers).
	CadenceMinute Cadence = "minute"
)

// MarketConfig says how fresh one market input should be, so that the
// model can decay a stale input toward neutral: its unit, how often it is
// observed, on which days, and how long past its expected time an
// observation may be missing before the input counts as stale.
type MarketConfig struct {
	// Name is the instrument, e.g. USDJPY (event.MarketQuote.Instrument).
	Name string `yaml:"name"`
	// Unit is the quote's unit: "JPY per USD", "percent", "USD" or "points".
	Unit string `yaml:"unit,omitempty"`
	// Cadence is daily or minute.
	Cadence Cadence `yaml:"cadence,omitempty"`
	// Calendar is the days a daily input is observed: us-federal, tokyo,
	// target, weekdays or none (every day).
	Calendar Calendar `yaml:"calendar,omitempty"`
	// MaxAge is how long after its expected time (ExpectedAfter) the next
	// observation may be missing before the input is stale.
	MaxAge time.Duration `yaml:"max_age,omitempty"`
}

// DefaultMarkets returns the market inputs carrywatch ships with: USDJPY,
// UST2Y and UST10Y, VIX (daily, on US federal business days, stale 48 h
// after the start of the day a new value was due) and BTC-USD (every
// minute, every day, stale after 15 minutes without a new quote).
func DefaultMarkets() []MarketConfig {
	daily := func(name, unit string) MarketConfig {
		return MarketConfig{Name: name, Unit: unit, Cadence: CadenceDaily, Calendar: CalendarUSFederal, MaxAge: 48 * time.Hour}
	}
	return []MarketConfig{
		daily(event.InstrumentUSDJPY, event.UnitJPYPerUSD),
		daily(event.InstrumentUST2Y, event.UnitPercent),
		daily(event.InstrumentUST10Y, event.UnitPercent),
		{Name: event.InstrumentBTCUSD, Unit: event.UnitUSD, Cadence: CadenceMinute, Calendar: CalendarNone, MaxAge: 15 * time.Minute},
		daily(event.InstrumentVIX, event.UnitPoints),
	}
}

// marketUnits are the units event.MarketQuote accepts.
var marketUnits = []string{event.UnitJPYPerUSD, event.UnitPercent, event.UnitUSD, event.UnitPoints}

// Validate reports every problem of m, each wrapping ErrInvalidConfig
// and naming the instrument.
func (m MarketConfig) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	bad := func(format string, args ...any) { p.Addf("market %q: "+format, append([]any{m.Name}, args...)...) }
	if !event.ValidInstrument(m.Name) {
		bad("name must be 1-32 of [A-Z0-9-], starting with a letter or digit")
	}
	unitOK := false
	for _, u := range marketUnits {
		unitOK = unitOK || m.Unit == u
	}
	if !unitOK {
		bad("unit %q is not one of %q", m.Unit, marketUnits)
	}
	if m.Cadence != CadenceDaily && m.Cadence != CadenceMinute {
		bad("cadence %q is not daily or minute", m.Cadence)
	}
	if !m.Calendar.Valid() {
		bad("%v", errUnknownCalendar(m.Calendar))
	}
	switch {
	case m.MaxAge <= 0:
		bad("max_age must be positive")
	case m.Cadence == CadenceMinute && m.MaxAge < time.Minute:
		bad("max_age %s is under the minute cadence", m.MaxAge)
	}
	return p.Err()
}

// ExpectedAfter returns when the observation following one observed at
// last is due: for a daily input, 00:00 UTC of the calendar's next
// business day after last's UTC date (a Friday's fixing is followed by
// Monday's, Wednesday 26 November 2025's by Friday's, Thanksgiving being a
// US federal holiday); for a minute input, the start of the next minute,
// or of the calendar's next business day if that minute is not on one.
func (m MarketConfig) ExpectedAfter(last time.Time) time.Time {
	last = last.UTC()
	if m.Cadence == CadenceMinute {
		next := last.Truncate(time.Minute).Add(time.Minute)
		if m.Calendar.IsBusinessDay(next) {
			return next
		}
		return m.Calendar.NextBusinessDay(next)
	}
	return m.Calendar.NextBusinessDay(last)
}

// Stale reports whether, at time at, an input last observed at last is
// stale: never observed (last is zero), or its next observation is more
// than MaxAge past ExpectedAfter(last).
func (m MarketConfig) Stale(at, last time.Time) bool {
	if last.IsZero() {
		return true
	}
	return at.After(m.ExpectedAfter(last).Add(m.MaxAge))
}

// withDefaults fills the unset fields of m from d.
func (m MarketConfig) withDefaults(d MarketConfig) MarketConfig {
	if m.Unit == "" {
		m.Unit = d.Unit
	}
	if m.Cadence == "" {
		m.Cadence = d.Cadence
	}
	if m.Calendar == "" {
		m.Calendar = d.Calendar
	}
	if m.MaxAge == 0 {
		m.MaxAge = d.MaxAge
	}
	return m
}

// mergeMarkets returns the defaults with the file's entries applied: an
// entry naming a default instrument overrides the fields it sets, a new
// name is added as written (calendar none if unset).
func mergeMarkets(file []MarketConfig) []MarketConfig {
	out := DefaultMarkets()
	for _, m := range file {
		i := indexMarket(out, m.Name)
		if i < 0 {
			out = append(out, m.withDefaults(MarketConfig{Calendar: CalendarNone}))
			continue
		}
		out[i] = m.withDefaults(out[i])
	}
	return out
}

// duplicateMarkets reports every instrument the file lists twice.
func duplicateMarkets(ms []MarketConfig) error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.Name] {
			p.Addf("market %q appears twice", m.Name)
		}
		seen[m.Name] = true
	}
	return p.Err()
}

func indexMarket(ms []MarketConfig, name string) int {
	for i, m := range ms {
		if m.Name == name {
			return i
		}
	}
	return -1
}

// Market returns the configuration of the named instrument.
func (c Config) Market(name string) (MarketConfig, bool) {
	i := indexMarket(c.Markets, name)
	if i < 0 {
		return MarketConfig{}, false
	}
	return c.Markets[i], true
}
