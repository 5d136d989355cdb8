package jgb

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// Sources written into Meta.Source unless a format's "source" parameter says
// otherwise.
const (
	// SourceMoF is the source of observations read by ParseMoF.
	SourceMoF = "mof"
	// SourceCSV is the default source of observations read by ParseCSV.
	SourceCSV = "jgb-csv"
)

// closeUTC is the time of day given to a business date: 06:00 UTC is
// 15:00 JST, the Tokyo close. See the package documentation.
const closeUTC = 6 * time.Hour

// Yield bounds in percent, those event.JGBYield's validation enforces.
const (
	minYieldPct = -10
	maxYieldPct = 30
)

// parseYield reads a yield in percent. ok is false, with a nil error, for the
// missing markers "-" and "" (when blankIsMissing); anything else that is not
// a plain decimal within [minYieldPct, maxYieldPct] is an error.
func parseYield(cell string, blankIsMissing bool) (v float64, ok bool, err error) {
	switch {
	case cell == "-":
		return 0, false, nil
	case cell == "" && blankIsMissing:
		return 0, false, nil
	case !feedtext.IsDecimal(cell):
		return 0, false, fmt.Errorf("%q is not a number or \"-\"", clip(cell))
	}
	v, err = strconv.ParseFloat(cell, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a finite number", clip(cell)) // out of float64's range
	}
	if v < minYieldPct || v > maxYieldPct {
		return 0, false, fmt.Errorf("%s %% is outside [%d, %d] %%", clip(cell), minYieldPct, maxYieldPct)
	}
	return v, true, nil
}

// checkObserved says whether an observation time is usable at now: keep is
// false for a time before event.MinObservedAt, the Unix epoch (left out with
// a warning), and err is non-nil for a time too far in the future to be a
// real observation.
func checkObserved(at, now time.Time) (keep bool, err error) {
	if at.After(now.Add(event.MaxClockSkew)) {
		return false, fmt.Errorf("%s is in the future (now %s)", at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return !at.Before(event.MinObservedAt), nil
}

// dayKey identifies one tenor on one UTC calendar day.
type dayKey struct {
	tenor string
	date  string
}

func keyOf(y *event.JGBYield) dayKey {
	return dayKey{tenor: y.Tenor, date: y.ObservedAt.UTC().Format(time.DateOnly)}
}

// oldRows counts the rows left out for predating event.MinObservedAt and
// words the single warning a body gets for them.
type oldRows struct {
	n           int
	first, last string
}

func (o *oldRows) add(label string) {
	if o.n == 0 {
		o.first = label
	}
	o.last = label
	o.n++
}

func (o *oldRows) warning() []string {
	floor := event.MinObservedAt.Format(time.DateOnly)
	switch o.n {
	case 0:
		return nil
	case 1:
		return []string{fmt.Sprintf("left out 1 row dated before %s (%s): events start on %s", floor, o.first, floor)}
	}
	return []string{fmt.Sprintf("left out %d rows dated before %s (%s … %s): events start on %s", o.n, floor, o.first, o.last, floor)}
}

// sortEvents orders events by observation time, then by tenor in months for
// JGB yields, then by key and source, so output never depends on input order.
// The sort keys are computed once per event, not per comparison.
func sortEvents(evs []event.Event) {
	type sortKey struct {
		e      event.Event
		at     time.Time
		months uint16
		key    string
		source string
	}
	keys := make([]sortKey, len(evs))
	for i, e := range evs {
		keys[i] = sortKey{e: e, at: e.Header().ObservedAt, months: tenorMonths(e), key: e.Key(), source: e.Header().Source}
	}
	slices.SortStableFunc(keys, func(a, b sortKey) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if c := cmp.Compare(a.months, b.months); c != 0 {
			return c
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.source, b.source)
	})
	for i, k := range keys {
		evs[i] = k.e
	}
}

func tenorMonths(e event.Event) uint16 {
	if y, ok := e.(*event.JGBYield); ok {
		return y.TenorMonths()
	}
	return 0
}
