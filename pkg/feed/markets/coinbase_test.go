package markets_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
)

func TestParseCoinbaseTicker(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		params map[string]string
		want   *event.MarketQuote
	}{
		{
			name: "live capture: trade at 16:43:33.016274911 is observed at 16:43",
			file: "coinbase/ticker_2026-06-19.json",
			want: &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: exUTC(t, "2026-06-19T16:43:00Z")},
				Instrument: "BTC-USD", Value: 63212.97, Unit: "USD", Kind: "last"},
		},
		{
			name: "pretty-printed capture",
			file: "coinbase/ticker_2025-08-07.json",
			want: &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: exUTC(t, "2025-08-07T13:48:00Z")},
				Instrument: "BTC-USD", Value: 116475.07, Unit: "USD", Kind: "last"},
		},
		{
			name:   "the documented example, as another instrument and source",
			file:   "coinbase/ticker_docs_2015-11-14.json",
			params: map[string]string{"instrument": "ETH-USD", "source": "coinbase.exchange"},
			want: &event.MarketQuote{Meta: event.Meta{Source: "coinbase.exchange", ObservedAt: exUTC(t, "2015-11-14T20:46:00Z")},
				Instrument: "ETH-USD", Value: 333.99, Unit: "USD", Kind: "last"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := exParser(t, markets.FormatCoinbaseTicker, tt.params)(exRead(t, tt.file), exNow)
			require.NoError(t, err)
			assert.Equal(t, []*event.MarketQuote{tt.want}, exQuotes(t, obs, exNow))
		})
	}
}

// Two polls in one minute, with different trades, give one event id; the
// next minute gives another.
func TestCoinbaseTickerOneIDPerMinute(t *testing.T) {
	parse := exParser(t, markets.FormatCoinbaseTicker, nil)
	ids := map[string]bool{}
	for _, body := range []string{
		`{"price":"63212.97","time":"2026-06-19T16:43:01.5Z"}`,
		`{"price":"63220.00","time":"2026-06-19T16:43:59.999999Z"}`,
		`{"price":"63230.00","time":"2026-06-19T16:44:00.0Z"}`,
	} {
		obs, err := parse([]byte(body), exNow)
		require.NoError(t, err)
		q := *exQuotes(t, obs, exNow)[0]
		event.Seal(&q, exNow)
		ids[q.ID] = true
	}
	assert.Len(t, ids, 2)
}

func TestParseCoinbaseCandles(t *testing.T) {
	day := func(d string, v float64) *event.MarketQuote {
		return &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: exUTC(t, d+"T23:59:59Z")},
			Instrument: "BTC-USD", Value: v, Unit: "USD", Kind: "close"}
	}
	tests := []struct {
		name string
		now  string
		want []*event.MarketQuote
	}{
		{
			name: "the newest row, 23 Nov, is the day in progress",
			now:  "2025-11-23T12:00:00Z",
			want: []*event.MarketQuote{day("2025-11-20", 87214), day("2025-11-21", 84826), day("2025-11-22", 85133.92)},
		},
		{
			name: "a day not ended at the fetch time is not a close",
			now:  "2025-11-22T23:59:59Z",
			want: []*event.MarketQuote{day("2025-11-20", 87214), day("2025-11-21", 84826)},
		},
		{
			name: "ended at midnight",
			now:  "2025-11-23T00:00:00Z",
			want: []*event.MarketQuote{day("2025-11-20", 87214), day("2025-11-21", 84826), day("2025-11-22", 85133.92)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := exUTC(t, tt.now)
			obs, err := exParser(t, markets.FormatCoinbaseCandles, nil)(exRead(t, "coinbase/candles_daily_2025-11.json"), now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, exQuotes(t, obs, now))
		})
	}
}

func TestCoinbaseRejects(t *testing.T) {
	type tc struct {
		name string
		body []byte
		want string
	}
	common := func(what string) []tc {
		return []tc{
			{"an HTML error page", exRead(t, "coinbase/bad_html_error.html"), what + `: bad body: looks like HTML or XML, not JSON: "<html>\n<head><title>502 Bad Gateway`},
			{"API error", exRead(t, "coinbase/bad_not_found.json"), what + `: bad body: API error: "NotFound"`},
			{"empty", nil, what + ": bad body: empty body"},
			{"binary", []byte{0x1f, 0x8b, 0x08, 0x00, 0xff}, what + `: bad body: binary data, not JSON`},
			{"plain text", []byte("upstream connect error"), what + `: bad body: not a JSON object or array: "upstream connect error"`},
			{"trailing data", []byte(`{"price":"1","time":"2026-06-19T16:43:33Z"} {}`), what + ": bad body: "},
		}
	}
	tests := []struct {
		format string
		cases  []tc
	}{
		{markets.FormatCoinbaseTicker, append(common("coinbase ticker"),
			tc{"truncated", exRead(t, "coinbase/bad_truncated.json"), "coinbase ticker: bad body: truncated JSON: the body ends inside a value after 120 bytes"},
			tc{"candles sent to the ticker", exRead(t, "coinbase/candles_daily_2025-11.json"), "coinbase ticker: bad body: the body is a JSON array, want object"},
			tc{"no price", []byte(`{"time":"2026-06-19T16:43:33Z"}`), "coinbase ticker: bad body: no price field"},
			tc{"no time", []byte(`{"price":"63212.97"}`), "coinbase ticker: bad body: no time field"},
			tc{"a numeric price", []byte(`{"price":63212.97,"time":"2026-06-19T16:43:33Z"}`), "coinbase ticker: bad body: price is a JSON number, want string"},
			tc{"a price with an exponent", []byte(`{"price":"6.3e4","time":"2026-06-19T16:43:33Z"}`), `price "6.3e4" is not a plain decimal number`},
			tc{"a zero price", []byte(`{"price":"0","time":"2026-06-19T16:43:33Z"}`), "BTC-USD last at 2026-06-19T16:43:00Z: value: value out of range"},
			tc{"a time without offset", []byte(`{"price":"1","time":"2026-06-19T16:43:33"}`), `time "2026-06-19T16:43:33" is not an RFC 3339 time with a UTC offset`},
			tc{"a future trade", []byte(`{"price":"1","time":"2027-01-01T00:00:00Z"}`), "observed_at: timestamp too far in the future: 2027-01-01T00:00:00Z is after 2026-12-01T09:30:00Z"},
		)},
		{markets.FormatCoinbaseCandles, append(common("coinbase candles"),
			tc{"minute candles", exRead(t, "coinbase/candles_minute_2026-06-19.json"), "coinbase candles: bad body: candle 0: time 1781887140 (2026-06-19T16:39:00Z) is not a UTC midnight: not a daily candle"},
			tc{"the ticker sent to candles", exRead(t, "coinbase/ticker_2026-06-19.json"), "coinbase candles: bad body: a JSON object, not the array of candles"},
			tc{"no candles", []byte(`[]`), "coinbase candles: bad body: no candles"},
			tc{"five fields", []byte(`[[1763596800,1,2,3,4]]`), "candle 0 has 5 fields, want 6"},
			tc{"a string close", []byte(`[[1763596800,1,2,3,"x",5]]`), "coinbase candles: bad body: "},
			tc{"a negative close", []byte(`[[1763596800,1,2,3,-4,5],[1763683200,1,2,3,4,5]]`), `candle 0: close "-4" is not a plain decimal number`},
			tc{"a fractional time", []byte(`[[1763596800.5,1,2,3,4,5]]`), "candle 0: time 1763596800.5 is not a whole number of Unix seconds"},
			tc{"a day twice", []byte(`[[1763596800,1,2,3,4,5],[1763596800,1,2,3,4,5]]`), "candle 1: the day 2025-11-20 appears twice"},
			tc{"a close out of range", []byte(`[[1763683200,1,2,3,4,5],[1763596800,1,2,3,100000000000,5]]`), "BTC-USD close at 2025-11-20T23:59:59Z: value: value out of range"},
		)},
	}
	for _, tt := range tests {
		for _, c := range tt.cases {
			t.Run(tt.format+"/"+c.name, func(t *testing.T) {
				obs, err := exParser(t, tt.format, nil)(c.body, exNow)
				require.ErrorIs(t, err, feed.ErrBadBody)
				assert.Contains(t, err.Error(), c.want)
				assert.Empty(t, obs.Events)
			})
		}
	}
}

func TestExchangeParams(t *testing.T) {
	tests := []struct {
		format  string
		params  map[string]string
		wantErr string
	}{
		{format: markets.FormatCoinbaseTicker},
		{format: markets.FormatCoinbaseCandles, params: map[string]string{"instrument": "ETH-USD", "source": "coinbase"}},
		{format: markets.FormatKrakenTicker, params: map[string]string{"pair": "XETHZUSD", "instrument": "ETH-USD"}},
		{format: markets.FormatKrakenOHLC, params: map[string]string{"pair": "XXBTZUSD"}},
		{format: markets.FormatCoinbaseTicker, params: map[string]string{"instrument": "BTC-EUR"},
			wantErr: `coinbase-ticker: bad format parameter: instrument "BTC-EUR" must be 1-32 of [A-Z0-9-] ending in -USD`},
		{format: markets.FormatCoinbaseCandles, params: map[string]string{"instrument": "btc-usd"}, wantErr: `instrument "btc-usd" must be`},
		{format: markets.FormatCoinbaseTicker, params: map[string]string{"pair": "XXBTZUSD"},
			wantErr: `coinbase-ticker: bad format parameter: unknown parameter "pair" (known: instrument, source)`},
		{format: markets.FormatKrakenTicker, params: map[string]string{"granularity": "60"},
			wantErr: `kraken-ticker: bad format parameter: unknown parameter "granularity" (known: instrument, source, pair)`},
		{format: markets.FormatKrakenOHLC, params: map[string]string{"source": "Kraken"}, wantErr: `source "Kraken" must be 1-64 of lowercase`},
		{format: markets.FormatKrakenOHLC, params: map[string]string{"pair": "xbt/usd"}, wantErr: `pair "xbt/usd" must be 1-32 of [A-Z0-9.]`},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.wantErr, func(t *testing.T) {
			p, err := exLookup(t, tt.format).New(tt.params)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, feed.ErrBadParam)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Nil(t, p)
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, p)
		})
	}
}

func TestExchangeFormatsAreListed(t *testing.T) {
	names := feed.FormatNames(markets.Formats())
	assert.Subset(t, names, []string{"ecb-fx", "coinbase-ticker", "coinbase-candles", "kraken-ticker", "kraken-ohlc"})
	for _, f := range markets.Formats() {
		assert.NotEmpty(t, f.Doc, f.Name)
		assert.NotNil(t, f.New, f.Name)
	}
}

func FuzzCoinbaseTicker(f *testing.F) {
	exSeeds(f, "coinbase/*")
	parse := exParser(f, markets.FormatCoinbaseTicker, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		exCheckFuzz(t, parse, body, event.QuoteLast)
	})
}

func FuzzCoinbaseCandles(f *testing.F) {
	exSeeds(f, "coinbase/*")
	f.Add([]byte(`[[1763596800,1,2,3,4,5],[1763683200,1,2,3,1e400,5]]`))
	parse := exParser(f, markets.FormatCoinbaseCandles, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		exCheckFuzz(t, parse, body, event.QuoteClose)
	})
}
