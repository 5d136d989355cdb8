package markets

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// The helpers below serve the ECB, Coinbase and Kraken parsers; their
// names start with "ex" to keep clear of the CSV parsers' helpers in this
// package.

// exReDecimal is a plain non-negative decimal as exchanges and the ECB
// write prices: no sign, exponent, grouping or NaN.
var exReDecimal = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,16})?$`)

// exReject returns an error wrapping feed.ErrBadBody, prefixed by what was
// being parsed: "kraken ticker: bad body: API error: ...".
func exReject(what, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", what, feed.ErrBadBody, fmt.Sprintf(format, args...))
}

// exJSON is what an exchange's JSON body must be: one object or array,
// numbers kept as written.
var exJSON = feedtext.JSONBody{Arrays: true, UseNumber: true, TypeError: exTypeError}

// exDecodeJSON decodes body, which must be one JSON object or array, into
// v. Every failure wraps feed.ErrBadBody and says what the body looked
// like: empty, HTML, binary, truncated, invalid, of the wrong type.
func exDecodeJSON(what string, body []byte, v any) error {
	if err := exJSON.Decode(body, v); err != nil {
		return exReject(what, "%v", err)
	}
	return nil
}

// exPrice reads a price written as a plain decimal string ("63212.97").
func exPrice(field, s string) (float64, error) {
	if !exReDecimal.MatchString(s) {
		return 0, fmt.Errorf("%s %q is not a plain decimal number", field, s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w", field, s, err)
	}
	return v, nil
}

// exNumber reads a price written as a JSON number (Coinbase candles).
func exNumber(field string, n json.Number) (float64, error) {
	return exPrice(field, n.String())
}

// exUnixDay reads a candle time in Unix seconds that must be a UTC
// midnight, the start of a daily candle.
func exUnixDay(field string, n json.Number) (time.Time, error) {
	sec, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %s is not a whole number of Unix seconds", field, n)
	}
	if sec < 0 || sec > 1<<40 {
		return time.Time{}, fmt.Errorf("%s %d is out of range", field, sec)
	}
	t := time.Unix(sec, 0).UTC()
	if sec%86400 != 0 {
		return time.Time{}, fmt.Errorf("%s %d (%s) is not a UTC midnight: not a daily candle (ask for a one-day interval)", field, sec, t.Format(time.RFC3339))
	}
	return t, nil
}

// exDayClose is the observation time of the close of the daily candle
// starting at day: 23:59:59 UTC of that date, so the close keeps its date.
func exDayClose(day time.Time) time.Time { return day.Add(24*time.Hour - time.Second) }

// exDayEnded reports whether the daily candle starting at day is complete
// at now.
func exDayEnded(day, now time.Time) bool { return !day.Add(24 * time.Hour).After(now) }

// exQuote is the unsealed event for one observation.
func exQuote(source, instrument, unit, kind, derivedFrom string, value float64, at time.Time) *event.MarketQuote {
	return &event.MarketQuote{
		Meta:        event.Meta{Source: source, ObservedAt: event.Millis(at)},
		Instrument:  instrument,
		Value:       value,
		Unit:        unit,
		Kind:        kind,
		DerivedFrom: derivedFrom,
	}
}

// exUSD returns the unsealed USD quote of instrument, checked with exCheck
// at now; the error wraps feed.ErrBadBody, prefixed by what was being
// parsed.
func exUSD(what, source, instrument, kind string, value float64, at, now time.Time) (*event.MarketQuote, error) {
	q := exQuote(source, instrument, event.UnitUSD, kind, "", value, at)
	if err := exCheck(q, now); err != nil {
		return nil, exReject(what, "%v", err)
	}
	return q, nil
}

// exCheck seals a copy of e at now and validates it, so that a parser
// returns only events the loop can publish; the original stays unsealed.
func exCheck(e *event.MarketQuote, now time.Time) error {
	if err := feed.ValidateSealed(e, now); err != nil {
		return fmt.Errorf("%s %s at %s: %w", e.Instrument, e.Kind, event.Millis(e.ObservedAt).Format(time.RFC3339), err)
	}
	return nil
}

// exObservations wraps quotes as feed.Observations.
func exObservations(quotes []*event.MarketQuote, warnings []string) feed.Observations {
	obs := feed.Observations{Warnings: warnings}
	for _, q := range quotes {
		obs.Events = append(obs.Events, q)
	}
	return obs
}

// exSortQuotes orders quotes oldest first.
func exSortQuotes(quotes []*event.MarketQuote) {
	slices.SortStableFunc(quotes, func(a, b *event.MarketQuote) int { return a.ObservedAt.Compare(b.ObservedAt) })
}

// exTypeError says which field had which JSON type and what was wanted.
func exTypeError(typ *json.UnmarshalTypeError) string {
	field := typ.Field
	if field == "" {
		field = "the body"
	}
	return fmt.Sprintf("%s is a JSON %s, want %s", field, typ.Value, exJSONKind(typ.Type))
}

// exJSONKind names the JSON type a Go type decodes from.
func exJSONKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		if t == reflect.TypeFor[json.Number]() {
			return "number"
		}
		return "string"
	case reflect.Slice, reflect.Array:
		if t == reflect.TypeFor[json.RawMessage]() {
			return "value"
		}
		return "array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "object"
	case reflect.Bool:
		return "boolean"
	}
	return "number"
}

// exUnmarshal decodes one part of an already decoded body into v, with a
// message that names the JSON type found and the one wanted.
func exUnmarshal(raw json.RawMessage, v any) error {
	err := json.Unmarshal(raw, v)
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return errors.New(exTypeError(typ))
	}
	return err
}
