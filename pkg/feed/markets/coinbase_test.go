package markets_test

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
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
			want: &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: feedtest.UTC(t, "2026-06-19T16:43:00Z")},
				Instrument: "BTC-USD", Value: 63212.97, Unit: "USD", Kind: "last"},
		},
		{
			name: "pretty-printed capture",
			file: "coinbase/ticker_2025-08-07.json",
			want: &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: feedtest.UTC(t, "2025-08-07T13:48:00Z")},
				Instrument: "BTC-USD", Value: 116475.07, Unit: "USD", Kind: "last"},
		},
		{
			name:   "the documented example, as another instrument and source",
			file:   "coinbase/ticker_docs_2015-11-14.json",
			params: map[string]string{"instrument": "ETH-USD", "source": "coinbase.exchange"},
			want: &event.MarketQuote{Meta: event.Meta{Source: "coinbase.exchange", ObservedAt: feedtest.UTC(t, "2015-11-14T20:46:00Z")},
				Instrument: "ETH-USD", Value: 333.99, Unit: "USD", Kind: "last"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := newParser(t, markets.FormatCoinbaseTicker, tt.params)(feedtest.Testdata(t, tt.file), exNow)
			require.NoError(t, err)
			assert.Equal(t, []*event.MarketQuote{tt.want}, exQuotes(t, obs, exNow))
		})
	}
}

// Two polls in one minute, with different trades, give one event id; the
// next minute gives another.
func TestCoinbaseTickerOneIDPerMinute(t *testing.T) {
	parse := newParser(t, markets.FormatCoinbaseTicker, nil)
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
	day := func(d string, v float64) *event.MarketQuote { return exClose(t, "coinbase", d, v) }
	exCloses(t, markets.FormatCoinbaseCandles, "coinbase/candles_daily_2025-11.json", []exCloseCase{
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
	})
}

func TestCoinbaseRejects(t *testing.T) {
	common := func(what string) []exReject {
		return []exReject{
			{name: "an HTML error page", body: feedtest.Testdata(t, "coinbase/bad_html_error.html"), want: what + `: bad body: looks like HTML or XML, not JSON: "<html>\n<head><title>502 Bad Gateway`},
			{name: "API error", body: feedtest.Testdata(t, "coinbase/bad_not_found.json"), want: what + `: bad body: API error: "NotFound"`},
			{name: "empty", body: nil, want: what + ": bad body: empty body"},
			{name: "binary", body: []byte{0x1f, 0x8b, 0x08, 0x00, 0xff}, want: what + `: bad body: binary data, not JSON`},
			{name: "plain text", body: []byte("upstream connect error"), want: what + `: bad body: not a JSON object or array: "upstream connect error"`},
			{name: "trailing data", body: []byte(`{"price":"1","time":"2026-06-19T16:43:33Z"} {}`), want: what + ": bad body: "},
		}
	}
	tests := []struct {
		format string
		cases  []exReject
	}{
		{markets.FormatCoinbaseTicker, append(common("coinbase ticker"),
			exReject{name: "truncated", body: feedtest.Testdata(t, "coinbase/bad_truncated.json"), want: "coinbase ticker: bad body: truncated JSON: the body ends inside a value after 120 bytes"},
			exReject{name: "candles sent to the ticker", body: feedtest.Testdata(t, "coinbase/candles_daily_2025-11.json"), want: "coinbase ticker: bad body: the body is a JSON array, want object"},
			exReject{name: "no price", body: []byte(`{"time":"2026-06-19T16:43:33Z"}`), want: "coinbase ticker: bad body: no price field"},
			exReject{name: "no time", body: []byte(`{"price":"63212.97"}`), want: "coinbase ticker: bad body: no time field"},
			exReject{name: "a numeric price", body: []byte(`{"price":63212.97,"time":"2026-06-19T16:43:33Z"}`), want: "coinbase ticker: bad body: price is a JSON number, want string"},
			exReject{name: "a price with an exponent", body: []byte(`{"price":"6.3e4","time":"2026-06-19T16:43:33Z"}`), want: `price "6.3e4" is not a plain decimal number`},
			exReject{name: "a zero price", body: []byte(`{"price":"0","time":"2026-06-19T16:43:33Z"}`), want: "BTC-USD last at 2026-06-19T16:43:00Z: value: value out of range"},
			exReject{name: "a time without offset", body: []byte(`{"price":"1","time":"2026-06-19T16:43:33"}`), want: `time "2026-06-19T16:43:33" is not an RFC 3339 time with a UTC offset`},
			exReject{name: "a future trade", body: []byte(`{"price":"1","time":"2027-01-01T00:00:00Z"}`), want: "observed_at: timestamp too far in the future: 2027-01-01T00:00:00Z is after 2026-12-01T09:30:00Z"},
		)},
		{markets.FormatCoinbaseCandles, append(common("coinbase candles"),
			exReject{name: "minute candles", body: feedtest.Testdata(t, "coinbase/candles_minute_2026-06-19.json"), want: "coinbase candles: bad body: candle 0: time 1781887140 (2026-06-19T16:39:00Z) is not a UTC midnight: not a daily candle"},
			exReject{name: "the ticker sent to candles", body: feedtest.Testdata(t, "coinbase/ticker_2026-06-19.json"), want: "coinbase candles: bad body: a JSON object, not the array of candles"},
			exReject{name: "no candles", body: []byte(`[]`), want: "coinbase candles: bad body: no candles"},
			exReject{name: "five fields", body: []byte(`[[1763596800,1,2,3,4]]`), want: "candle 0 has 5 fields, want 6"},
			exReject{name: "a string close", body: []byte(`[[1763596800,1,2,3,"x",5]]`), want: "coinbase candles: bad body: "},
			exReject{name: "a negative close", body: []byte(`[[1763596800,1,2,3,-4,5],[1763683200,1,2,3,4,5]]`), want: `candle 0: close "-4" is not a plain decimal number`},
			exReject{name: "a fractional time", body: []byte(`[[1763596800.5,1,2,3,4,5]]`), want: "candle 0: time 1763596800.5 is not a whole number of Unix seconds"},
			exReject{name: "a day twice", body: []byte(`[[1763596800,1,2,3,4,5],[1763596800,1,2,3,4,5]]`), want: "candle 1: the day 2025-11-20 appears twice"},
			exReject{name: "a close out of range", body: []byte(`[[1763683200,1,2,3,4,5],[1763596800,1,2,3,100000000000,5]]`), want: "BTC-USD close at 2025-11-20T23:59:59Z: value: value out of range"},
		)},
	}
	for _, tt := range tests {
		exRejects(t, tt.format, tt.cases)
	}
}

func FuzzCoinbaseTicker(f *testing.F) {
	exFuzz(f, markets.FormatCoinbaseTicker, event.QuoteLast, "coinbase/*")
}

func FuzzCoinbaseCandles(f *testing.F) {
	f.Add([]byte(`[[1763596800,1,2,3,4,5],[1763683200,1,2,3,1e400,5]]`))
	exFuzz(f, markets.FormatCoinbaseCandles, event.QuoteClose, "coinbase/*")
}
