package markets

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Kraken format names.
const (
	FormatKrakenTicker = "kraken-ticker"
	FormatKrakenOHLC   = "kraken-ohlc"
)

// SourceKraken is the default event source of the Kraken formats.
const SourceKraken = "kraken"

func krakenFormats() []feed.Format {
	return []feed.Format{
		{
			Name: FormatKrakenTicker,
			Doc: "Kraken GET /0/public/Ticker?pair=XBTUSD JSON: the last trade price c[0] (kind last, USD), observed at " +
				"the fetch time truncated to the minute (the body has no time); a non-empty error array rejects the body. " +
				"Params: instrument (default BTC-USD, must end in -USD), pair (the result key, e.g. XXBTZUSD; needed only when " +
				"the result holds several), source (default kraken).",
			New: NewKrakenTicker,
		},
		{
			Name: FormatKrakenOHLC,
			Doc: "Kraken GET /0/public/OHLC?pair=XBTUSD&interval=1440 JSON ([time, open, high, low, close, vwap, volume, count], " +
				"oldest first): one close per completed UTC day (kind close, USD), observed at 23:59:59 UTC of its date; " +
				"the last, uncommitted candle is skipped. Params: instrument (default BTC-USD), pair, source (default kraken).",
			New: NewKrakenOHLC,
		},
	}
}

// NewKrakenTicker returns the kraken-ticker parser for params (instrument,
// pair, source); an unknown or invalid one returns an error wrapping
// feed.ErrBadParam.
func NewKrakenTicker(params map[string]string) (feed.Parser, error) {
	return exParser(FormatKrakenTicker, SourceKraken, params, true, func(body []byte, o exOptions, now time.Time) (feed.Observations, error) {
		return ParseKrakenTicker(body, o.instrument, o.pair, o.source, now)
	})
}

// NewKrakenOHLC returns the kraken-ohlc parser for params (instrument,
// pair, source); an unknown or invalid one returns an error wrapping
// feed.ErrBadParam.
func NewKrakenOHLC(params map[string]string) (feed.Parser, error) {
	return exParser(FormatKrakenOHLC, SourceKraken, params, true, func(body []byte, o exOptions, now time.Time) (feed.Observations, error) {
		return ParseKrakenOHLC(body, o.instrument, o.pair, o.source, now)
	})
}

// krakenEnvelope is every Kraken public response: an error array, empty on
// success, and the result.
type krakenEnvelope struct {
	Error  *[]string                  `json:"error"`
	Result map[string]json.RawMessage `json:"result"`
}

// krakenResult decodes the envelope and returns the result entry of pair
// (or of the only pair when pair is ""), skipping the keys in skip.
func krakenResult(what string, body []byte, pair string, skip ...string) (string, json.RawMessage, error) {
	var env krakenEnvelope
	if err := exDecodeJSON(what, body, &env); err != nil {
		return "", nil, err
	}
	switch {
	case env.Error == nil:
		return "", nil, exReject(what, "no error array: not a Kraken response")
	case len(*env.Error) > 0:
		return "", nil, exReject(what, "API error: %q", strings.Join(*env.Error, "; "))
	case env.Result == nil:
		return "", nil, exReject(what, "no result object")
	}
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(env.Result)) {
		if !slices.Contains(skip, k) {
			pairs = append(pairs, k)
		}
	}
	switch {
	case pair != "":
		v, ok := env.Result[pair]
		if !ok || slices.Contains(skip, pair) {
			return "", nil, exReject(what, "no pair %q in the result (has %q)", pair, pairs)
		}
		return pair, v, nil
	case len(pairs) == 1:
		return pairs[0], env.Result[pairs[0]], nil
	case len(pairs) == 0:
		return "", nil, exReject(what, "the result holds no pair")
	}
	return "", nil, exReject(what, "the result holds %d pairs %q: set the pair parameter", len(pairs), pairs)
}

// ParseKrakenTicker reads a Kraken Ticker response into one last-price
// quote (c[0]) of instrument, observed at now truncated to the minute. It
// returns an error wrapping feed.ErrBadBody for a non-empty error array
// (e.g. "EService:Unavailable"), a body that is not a Kraken response, no
// or several pairs when pair is "", a missing pair, or a price that is not
// a plain decimal in the USD range.
func ParseKrakenTicker(body []byte, instrument, pair, source string, now time.Time) (feed.Observations, error) {
	const what = "kraken ticker"
	name, raw, err := krakenResult(what, body, pair)
	if err != nil {
		return feed.Observations{}, err
	}
	var t struct {
		Last []json.RawMessage `json:"c"`
	}
	if err := exUnmarshal(raw, &t); err != nil {
		return feed.Observations{}, exReject(what, "pair %s: %v", name, err)
	}
	if len(t.Last) == 0 {
		return feed.Observations{}, exReject(what, "pair %s has no last trade c", name)
	}
	var last string
	if err := json.Unmarshal(t.Last[0], &last); err != nil {
		return feed.Observations{}, exReject(what, "pair %s: last trade price c[0] is %s, not a string", name, t.Last[0])
	}
	price, err := exPrice("last trade price", last)
	if err != nil {
		return feed.Observations{}, exReject(what, "pair %s: %v", name, err)
	}
	q, err := exUSD(what, source, instrument, event.QuoteLast, price, now.UTC().Truncate(time.Minute), now)
	if err != nil {
		return feed.Observations{}, err
	}
	return exObservations([]*event.MarketQuote{q}, nil), nil
}

// ParseKrakenOHLC reads a Kraken OHLC response of daily candles into one
// close per completed UTC day, oldest first (see the package
// documentation). It returns an error wrapping feed.ErrBadBody for a
// non-empty error array, a body that is not a Kraken response, no or
// several pairs when pair is "", rows that are not [time, open, high,
// low, close, vwap, volume, count], a time that is not a UTC midnight
// (another interval), a day listed twice, or a close that is not a plain
// decimal in the USD range.
func ParseKrakenOHLC(body []byte, instrument, pair, source string, now time.Time) (feed.Observations, error) {
	const what = "kraken ohlc"
	name, raw, err := krakenResult(what, body, pair, "last")
	if err != nil {
		return feed.Observations{}, err
	}
	var rows [][]json.RawMessage
	if err := exUnmarshal(raw, &rows); err != nil {
		return feed.Observations{}, exReject(what, "pair %s: %v", name, err)
	}
	if len(rows) == 0 {
		return feed.Observations{}, exReject(what, "pair %s has no candles", name)
	}
	var quotes []*event.MarketQuote
	seen := map[time.Time]bool{}
	for i, r := range rows {
		day, closing, err := krakenCandle(r)
		if err != nil {
			return feed.Observations{}, exReject(what, "pair %s candle %d: %v", name, i, err)
		}
		if seen[day] {
			return feed.Observations{}, exReject(what, "pair %s candle %d: the day %s appears twice", name, i, day.Format(time.DateOnly))
		}
		seen[day] = true
		if i == len(rows)-1 || !exDayEnded(day, now) {
			continue // Kraken's last row is the uncommitted candle
		}
		q, err := exUSD(what, source, instrument, event.QuoteClose, closing, exDayClose(day), now)
		if err != nil {
			return feed.Observations{}, err
		}
		quotes = append(quotes, q)
	}
	exSortQuotes(quotes)
	return exObservations(quotes, nil), nil
}

// krakenCandle reads the day and close of one OHLC row.
func krakenCandle(r []json.RawMessage) (time.Time, float64, error) {
	if len(r) != 8 {
		return time.Time{}, 0, fmt.Errorf("%d fields, want 8 [time, open, high, low, close, vwap, volume, count]", len(r))
	}
	var sec json.Number
	if err := json.Unmarshal(r[0], &sec); err != nil {
		return time.Time{}, 0, fmt.Errorf("time %s is not a number", r[0])
	}
	day, err := exUnixDay("time", sec)
	if err != nil {
		return time.Time{}, 0, err
	}
	var s string
	if err := json.Unmarshal(r[4], &s); err != nil {
		return time.Time{}, 0, fmt.Errorf("close %s is not a string", r[4])
	}
	closing, err := exPrice("close", s)
	if err != nil {
		return time.Time{}, 0, err
	}
	return day, closing, nil
}
