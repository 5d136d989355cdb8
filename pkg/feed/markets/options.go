package markets

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Parameter names (`carrywatch feed parse --param key=value`).
const (
	paramSource     = "source"
	paramInstrument = "instrument"
	paramUnit       = "unit"
	paramKind       = "kind"
	paramAt         = "at"
	paramTenor      = "tenor"
	paramPair       = "pair" // an exchange's product or pair
)

var (
	// reAt is a time of day, HH:MM.
	reAt = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	// exRePair is a Kraken pair name such as XXBTZUSD.
	exRePair = regexp.MustCompile(`^[A-Z0-9.]{1,32}$`)
)

// units and kinds are the values event.MarketQuote accepts.
var (
	units = []string{event.UnitJPYPerUSD, event.UnitPercent, event.UnitUSD, event.UnitPoints}
	kinds = []string{event.QuoteClose, event.QuoteFixing, event.QuoteLast}
)

// options are a format's parameters, checked. Empty strings and hasAt
// false mean "not given".
type options struct {
	source     string
	instrument string
	unit       string
	kind       string
	at         time.Duration
	hasAt      bool
	tenor      string
}

// parseOptions checks params for format, which accepts the names in
// known: every unknown name and every invalid value is reported, joined, in
// one error wrapping feed.ErrBadParam. source defaults to defSource.
func parseOptions(format, defSource string, params map[string]string, known ...string) (options, error) {
	o := options{source: defSource}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if !slices.Contains(known, k) {
			errs = append(errs, fmt.Errorf("unknown parameter %q (known: %s)", k, strings.Join(known, ", ")))
			continue
		}
		if err := o.set(k, params[k]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return options{}, fmt.Errorf("format %s: %w: %w", format, feed.ErrBadParam, errors.Join(errs...))
	}
	return o, nil
}

// set checks and stores one known parameter.
func (o *options) set(name, v string) error {
	switch name {
	case paramSource:
		if err := feed.CheckSource(v); err != nil {
			return err
		}
		o.source = v
	case paramInstrument:
		s := strings.ToUpper(strings.TrimSpace(v))
		if !event.ValidInstrument(s) {
			return fmt.Errorf("instrument %q must be 1-32 of [A-Z0-9-], starting with a letter or digit", v)
		}
		o.instrument = s
	case paramUnit:
		if !slices.Contains(units, v) {
			return fmt.Errorf("unit %q is not one of %q", v, units)
		}
		o.unit = v
	case paramKind:
		if !slices.Contains(kinds, v) {
			return fmt.Errorf("kind %q is not one of %q", v, kinds)
		}
		o.kind = v
	case paramAt:
		if !reAt.MatchString(v) {
			return fmt.Errorf("at %q is not a UTC time of day HH:MM", v)
		}
		t, _ := time.Parse("15:04", v) // the pattern admits only valid times
		o.at, o.hasAt = time.Duration(t.Hour())*time.Hour+time.Duration(t.Minute())*time.Minute, true
	case paramTenor:
		s := strings.ToUpper(strings.TrimSpace(v))
		if event.TenorMonths(s) == 0 {
			return fmt.Errorf("tenor %q is not like 2Y, 10Y or 6M", v)
		}
		o.tenor = s
	}
	return nil
}

// quoteSpec is what one daily series' values become.
type quoteSpec struct {
	instrument string
	unit       string
	kind       string
	at         time.Duration
}

// spec completes the series described by base (a table row, or the zero
// Convention for a series the table lacks) with the parameters: the
// instrument parameter replaces the series' instrument, and then unit,
// kind and time default to that instrument's table row, or to CloseUTC for
// the time of an instrument the table lacks. The error, for no instrument
// or an instrument without unit and kind, names the parameters to give.
func (o options) spec(base Convention) (quoteSpec, error) {
	def := base
	if o.instrument != "" && o.instrument != base.Instrument {
		def, _ = InstrumentConvention(o.instrument)
	}
	s := quoteSpec{instrument: def.Instrument, unit: def.Unit, kind: def.Kind, at: def.At}
	if def.Instrument == "" {
		s.at = CloseUTC
	}
	if o.instrument != "" {
		s.instrument = o.instrument
	}
	if o.unit != "" {
		s.unit = o.unit
	}
	if o.kind != "" {
		s.kind = o.kind
	}
	if o.hasAt {
		s.at = o.at
	}
	switch {
	case s.instrument == "":
		return quoteSpec{}, errors.New("no instrument: give the instrument parameter")
	case s.unit == "" || s.kind == "":
		return quoteSpec{}, fmt.Errorf("instrument %s has no built-in unit and kind: give the unit and kind parameters", s.instrument)
	}
	return s, nil
}

// exOptions are the parameters of one configured exchange format.
type exOptions struct {
	instrument string
	source     string
	pair       string
}

// exParams reads params for format: instrument (default BTC-USD, which
// must quote in USD, i.e. end in "-USD"), source (default defSource) and,
// when allowPair, pair. It returns an error wrapping feed.ErrBadParam for
// an unknown or invalid parameter.
func exParams(format, defSource string, params map[string]string, allowPair bool) (exOptions, error) {
	o := exOptions{instrument: event.InstrumentBTCUSD, source: defSource}
	known := []string{paramInstrument, paramSource}
	if allowPair {
		known = append(known, paramPair)
	}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := params[k]
		switch {
		case k == paramInstrument:
			o.instrument = v
		case k == paramSource:
			o.source = v
		case k == paramPair && allowPair:
			o.pair = v
		default:
			return exOptions{}, fmt.Errorf("%s: %w: unknown parameter %q (known: %s)", format, feed.ErrBadParam, k, strings.Join(known, ", "))
		}
	}
	if !event.ValidInstrument(o.instrument) || !strings.HasSuffix(o.instrument, "-USD") {
		return exOptions{}, fmt.Errorf("%s: %w: instrument %q must be 1-32 of [A-Z0-9-] ending in -USD (values are in USD), e.g. BTC-USD", format, feed.ErrBadParam, o.instrument)
	}
	if err := feed.CheckSource(o.source); err != nil {
		return exOptions{}, fmt.Errorf("%s: %w: %w", format, feed.ErrBadParam, err)
	}
	if o.pair != "" && !exRePair.MatchString(o.pair) {
		return exOptions{}, fmt.Errorf("%s: %w: pair %q must be 1-32 of [A-Z0-9.], e.g. XXBTZUSD", format, feed.ErrBadParam, o.pair)
	}
	return o, nil
}

// exParser reads params as exParams does and returns the parser that
// calls parse with them; the error is exParams'.
func exParser(format, defSource string, params map[string]string, allowPair bool, parse func(body []byte, o exOptions, now time.Time) (feed.Observations, error)) (feed.Parser, error) {
	o, err := exParams(format, defSource, params, allowPair)
	if err != nil {
		return nil, err
	}
	return func(body []byte, now time.Time) (feed.Observations, error) { return parse(body, o, now) }, nil
}
