package markets

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// collector gathers the events and warnings of one body of daily values.
// Every event it keeps has been sealed and validated on a copy at now, so
// a parser's output always seals and validates; a second value for the
// same series and date is a bad body.
type collector struct {
	now    time.Time
	source string
	events []event.Event
	first  map[dayKey]int // series and date → line first read
	early  skipped        // dated before event.MinObservedAt
	late   skipped        // dated after now
}

// dayKey identifies one series (an instrument or a JGB tenor) on one date.
type dayKey struct {
	key  string
	date time.Time
}

func newCollector(now time.Time, source string) *collector {
	return &collector{now: now, source: source, first: make(map[dayKey]int)}
}

// quote keeps value v of series s on date d (midnight UTC), read on line.
func (c *collector) quote(line int, d time.Time, v float64, s quoteSpec) error {
	return c.add(line, d, &event.MarketQuote{
		Meta:       event.Meta{Source: c.source, ObservedAt: d.Add(s.at)},
		Instrument: s.instrument,
		Value:      v,
		Unit:       s.unit,
		Kind:       s.kind,
	})
}

// quoteCell keeps the value of cell, in the column named name, as a quote
// of series s on date d; a cell holding one of the missing markers gives
// nothing. The error names the column.
func (c *collector) quoteCell(line int, d time.Time, name, cell string, s quoteSpec, missing ...string) error {
	v, ok, err := value(cell, missing...)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if !ok {
		return nil
	}
	return c.quote(line, d, v, s)
}

// jgb keeps the JGB yield pct of tenor on date d, observed at d + at.
func (c *collector) jgb(line int, d time.Time, pct float64, tenor string, at time.Duration) error {
	return c.add(line, d, &event.JGBYield{
		Meta:     event.Meta{Source: c.source, ObservedAt: d.Add(at)},
		Tenor:    tenor,
		YieldPct: pct,
	})
}

// add keeps e, read on line for date d. A time before event.MinObservedAt
// (the Unix epoch) or after now (plus event.MaxClockSkew, a day not yet
// closed) leaves the row out, counted for one warning per body. The error,
// for a value the event model rejects or a second value of the series on
// d, does not repeat the line; the caller adds it.
func (c *collector) add(line int, d time.Time, e event.Event) error {
	at := e.Header().ObservedAt
	switch {
	case at.Before(event.MinObservedAt):
		c.early.add(d)
		return nil
	case at.After(c.now.Add(event.MaxClockSkew)):
		c.late.add(d)
		return nil
	}
	k := dayKey{key: e.Key(), date: d}
	if prev, ok := c.first[k]; ok {
		return fmt.Errorf("second %s value for %s (the first is on line %d)", k.key, d.Format(time.DateOnly), prev)
	}
	if err := probe(e, c.now); err != nil {
		return fmt.Errorf("%s on %s: %w", k.key, d.Format(time.DateOnly), err)
	}
	c.first[k] = line
	c.events = append(c.events, e)
	return nil
}

// probe seals and validates a copy of e at now.
func probe(e event.Event, now time.Time) error {
	switch e := e.(type) {
	case *event.MarketQuote:
		return feed.ValidateSealed(e, now)
	case *event.JGBYield:
		return feed.ValidateSealed(e, now)
	}
	return fmt.Errorf("unexpected event %T", e)
}

// result returns the observations, sorted by observation time and then
// key, so the same body always gives the same sequence whatever its row
// order (the Treasury writes the newest day first).
func (c *collector) result() feed.Observations {
	slices.SortStableFunc(c.events, func(a, b event.Event) int {
		return cmp.Or(a.Header().ObservedAt.Compare(b.Header().ObservedAt), strings.Compare(a.Key(), b.Key()))
	})
	var warnings []string
	if c.early.n > 0 {
		warnings = append(warnings, fmt.Sprintf("left out %s dated before %s (%s): the event model starts at the Unix epoch",
			c.early.rows(), event.MinObservedAt.Format(time.DateOnly), c.early.span()))
	}
	if c.late.n > 0 {
		warnings = append(warnings, fmt.Sprintf("left out %s dated after %s (%s): the day has not closed; a later poll reads it",
			c.late.rows(), c.now.UTC().Format(time.RFC3339), c.late.span()))
	}
	return feed.Observations{Events: c.events, Warnings: warnings}
}

// skipped counts the rows left out for one reason and their date range.
type skipped struct {
	n           int
	first, last time.Time
}

func (s *skipped) add(d time.Time) {
	if s.n == 0 || d.Before(s.first) {
		s.first = d
	}
	if s.n == 0 || d.After(s.last) {
		s.last = d
	}
	s.n++
}

func (s *skipped) rows() string {
	if s.n == 1 {
		return "1 value"
	}
	return fmt.Sprintf("%d values", s.n)
}

func (s *skipped) span() string {
	if s.first.Equal(s.last) {
		return s.first.Format(time.DateOnly)
	}
	return s.first.Format(time.DateOnly) + " … " + s.last.Format(time.DateOnly)
}
