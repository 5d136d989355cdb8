package markets

import (
	"encoding/json"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Coinbase format names.
const (
	FormatCoinbaseTicker  = "coinbase-ticker"
	FormatCoinbaseCandles = "coinbase-candles"
)

// SourceCoinbase is the default event source of the Coinbase formats.
const SourceCoinbase = "coinbase"

func coinbaseFormats() []feed.Format {
	return []feed.Format{
		{
			Name: FormatCoinbaseTicker,
			Doc: "Coinbase Exchange GET /products/<id>/ticker JSON: the last trade price (kind last, USD), " +
				"observed at the trade time truncated to the minute. Params: instrument (default BTC-USD, must end in -USD), " +
				"source (default coinbase).",
			New: NewCoinbaseTicker,
		},
		{
			Name: FormatCoinbaseCandles,
			Doc: "Coinbase Exchange GET /products/<id>/candles?granularity=86400 JSON ([time, low, high, open, close, volume], " +
				"newest first): one close per completed UTC day (kind close, USD), observed at 23:59:59 UTC of its date; " +
				"the day still trading is skipped. Params: instrument (default BTC-USD), source (default coinbase).",
			New: NewCoinbaseCandles,
		},
	}
}

// NewCoinbaseTicker returns the coinbase-ticker parser for params
// (instrument, source); an unknown or invalid one returns an error wrapping
// feed.ErrBadParam.
func NewCoinbaseTicker(params map[string]string) (feed.Parser, error) {
	return exParser(FormatCoinbaseTicker, SourceCoinbase, params, false, func(body []byte, o exOptions, now time.Time) (feed.Observations, error) {
		return ParseCoinbaseTicker(body, o.instrument, o.source, now)
	})
}

// NewCoinbaseCandles returns the coinbase-candles parser for params
// (instrument, source); an unknown or invalid one returns an error wrapping
// feed.ErrBadParam.
func NewCoinbaseCandles(params map[string]string) (feed.Parser, error) {
	return exParser(FormatCoinbaseCandles, SourceCoinbase, params, false, func(body []byte, o exOptions, now time.Time) (feed.Observations, error) {
		return ParseCoinbaseCandles(body, o.instrument, o.source, now)
	})
}

// coinbaseTicker is the ticker body; Message is set on an API error.
type coinbaseTicker struct {
	Price   *string `json:"price"`
	Time    *string `json:"time"`
	Message *string `json:"message"`
}

// ParseCoinbaseTicker reads a Coinbase Exchange product ticker into one
// last-price quote of instrument, observed at its trade time truncated to
// the minute. It returns an error wrapping feed.ErrBadBody for an API error
// ({"message": ...}), a body that is not a ticker, a price that is not a
// plain decimal, a time that is not RFC 3339 with an offset, or an
// observation that does not validate at now (a time in the future, a
// price out of the USD range).
func ParseCoinbaseTicker(body []byte, instrument, source string, now time.Time) (feed.Observations, error) {
	const what = "coinbase ticker"
	var t coinbaseTicker
	if err := exDecodeJSON(what, body, &t); err != nil {
		return feed.Observations{}, err
	}
	switch {
	case t.Message != nil && t.Price == nil:
		return feed.Observations{}, exReject(what, "API error: %q", *t.Message)
	case t.Price == nil:
		return feed.Observations{}, exReject(what, "no price field")
	case t.Time == nil:
		return feed.Observations{}, exReject(what, "no time field")
	}
	price, err := exPrice("price", *t.Price)
	if err != nil {
		return feed.Observations{}, exReject(what, "%v", err)
	}
	at, err := time.Parse(time.RFC3339Nano, *t.Time)
	if err != nil {
		return feed.Observations{}, exReject(what, "time %q is not an RFC 3339 time with a UTC offset", *t.Time)
	}
	q, err := exUSD(what, source, instrument, event.QuoteLast, price, at.UTC().Truncate(time.Minute), now)
	if err != nil {
		return feed.Observations{}, err
	}
	return exObservations([]*event.MarketQuote{q}, nil), nil
}

// ParseCoinbaseCandles reads Coinbase Exchange daily candles into one
// close per completed UTC day, oldest first (see the package
// documentation). It returns an error wrapping feed.ErrBadBody for an API
// error, a body that is not an array of six-number rows, a row time that
// is not a UTC midnight (another granularity), a day listed twice, a
// close that is not a positive number in the USD range, or no row at all.
func ParseCoinbaseCandles(body []byte, instrument, source string, now time.Time) (feed.Observations, error) {
	const what = "coinbase candles"
	var raw json.RawMessage
	if err := exDecodeJSON(what, body, &raw); err != nil {
		return feed.Observations{}, err
	}
	if raw[0] == '{' {
		var e struct {
			Message *string `json:"message"`
		}
		if err := json.Unmarshal(raw, &e); err == nil && e.Message != nil {
			return feed.Observations{}, exReject(what, "API error: %q", *e.Message)
		}
		return feed.Observations{}, exReject(what, "a JSON object, not the array of candles")
	}
	var rows [][]json.Number
	if err := exUnmarshal(raw, &rows); err != nil {
		return feed.Observations{}, exReject(what, "%v", err)
	}
	if len(rows) == 0 {
		return feed.Observations{}, exReject(what, "no candles")
	}
	type candle struct {
		day   time.Time
		close float64
	}
	candles := make([]candle, 0, len(rows))
	seen := map[time.Time]bool{}
	for i, r := range rows {
		if len(r) != 6 {
			return feed.Observations{}, exReject(what, "candle %d has %d fields, want 6 [time, low, high, open, close, volume]", i, len(r))
		}
		day, err := exUnixDay("time", r[0])
		if err != nil {
			return feed.Observations{}, exReject(what, "candle %d: %v", i, err)
		}
		closing, err := exNumber("close", r[4])
		if err != nil {
			return feed.Observations{}, exReject(what, "candle %d: %v", i, err)
		}
		if seen[day] {
			return feed.Observations{}, exReject(what, "candle %d: the day %s appears twice", i, day.Format(time.DateOnly))
		}
		seen[day] = true
		candles = append(candles, candle{day: day, close: closing})
	}
	var quotes []*event.MarketQuote
	newest := candles[0].day
	for _, c := range candles {
		if c.day.After(newest) {
			newest = c.day
		}
	}
	for i := len(candles) - 1; i >= 0; i-- { // newest first: walk back for oldest first
		c := candles[i]
		if c.day.Equal(newest) || !exDayEnded(c.day, now) {
			continue // the day still trading
		}
		q, err := exUSD(what, source, instrument, event.QuoteClose, c.close, exDayClose(c.day), now)
		if err != nil {
			return feed.Observations{}, err
		}
		quotes = append(quotes, q)
	}
	exSortQuotes(quotes)
	return exObservations(quotes, nil), nil
}
