package etfflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// closeHourUTC is the hour of ObservedAt on a trade date.
const closeHourUTC = 21

// ObservedAt returns the observation time of a flow for the US trading day
// that contains tradeDate's calendar date (in tradeDate's location): that
// date at 21:00 UTC, which is the 16:00 New York close in winter (EST) and
// 17:00 New York in summer (EDT). It has no error case.
func ObservedAt(tradeDate time.Time) time.Time {
	y, m, d := tradeDate.Date()
	return time.Date(y, m, d, closeHourUTC, 0, 0, 0, time.UTC)
}

// collector gathers the events and warnings of one body. Every event it
// keeps has been sealed and validated (on a copy) at now, so a parser's
// output always seals and validates; a second event with the same key is a
// bad body.
type collector struct {
	now    time.Time
	asset  string
	source string
	obs    feed.Observations
	first  map[string]string // event key → where it was read
}

func newCollector(now time.Time, asset, source string) *collector {
	return &collector{now: now, asset: asset, source: source, first: map[string]string{}}
}

func (c *collector) warnf(format string, args ...any) {
	c.obs.Warnings = append(c.obs.Warnings, fmt.Sprintf(format, args...))
}

// tradeDay reports whether events may be dated d. A day not yet closed at
// now, or observed before event.MinObservedAt (1970-01-01, the Unix epoch),
// is left out with a warning naming where it was read.
func (c *collector) tradeDay(d time.Time, where string) bool {
	at := ObservedAt(d)
	switch {
	case at.Before(event.MinObservedAt):
		c.warnf("%s: trade date %s is before %s, which the event model does not accept; row left out",
			where, at.Format(time.DateOnly), event.MinObservedAt.Format(time.DateOnly))
		return false
	case at.After(c.now.Add(event.MaxClockSkew)):
		c.warnf("%s: trade date %s has not closed at %s (flows are observed at %s); row left out until then",
			where, at.Format(time.DateOnly), c.now.UTC().Format(time.RFC3339), at.Format(time.RFC3339))
		return false
	}
	return true
}

// add keeps the flow of ticker on day d, read at where; asset "" means the
// collector's asset and aum may be nil. The error, for a value the event
// model rejects or a repeated key, says where.
func (c *collector) add(where, asset string, d time.Time, ticker string, flowUSD float64, aum *float64) error {
	if asset == "" {
		asset = c.asset
	}
	f := &event.ETFFlow{
		Meta:      event.Meta{Source: c.source, ObservedAt: ObservedAt(d)},
		Asset:     asset,
		Ticker:    ticker,
		TradeDate: d.Format(time.DateOnly),
		FlowUSD:   flowUSD,
		AUMUSD:    aum,
	}
	if prev, ok := c.first[f.Key()]; ok {
		return fmt.Errorf("%s: second value for %s %s on %s (first at %s)", where, f.Asset, f.Ticker, f.TradeDate, prev)
	}
	if err := feed.ValidateSealed(f, c.now); err != nil {
		return fmt.Errorf("%s: %s %s on %s: %w", where, f.Asset, f.Ticker, f.TradeDate, err)
	}
	c.first[f.Key()] = where
	c.obs.Events = append(c.obs.Events, f)
	return nil
}

// result returns the observations sorted by trade date, keeping the order
// of addition within a day.
func (c *collector) result() feed.Observations {
	slices.SortStableFunc(c.obs.Events, func(a, b event.Event) int {
		return strings.Compare(a.(*event.ETFFlow).TradeDate, b.(*event.ETFFlow).TradeDate)
	})
	return c.obs
}
