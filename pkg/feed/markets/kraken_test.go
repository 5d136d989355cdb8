package markets_test

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
)

func TestParseKrakenTicker(t *testing.T) {
	now := feedtest.UTC(t, "2026-09-25T18:17:42Z")
	tests := []struct {
		name   string
		file   string
		params map[string]string
		want   float64
	}{
		{name: "live capture", file: "kraken/ticker_2026-09-25.json", want: 84036},
		{name: "the documented example", file: "kraken/ticker_docs.json", want: 30303.2},
		{name: "with the pair named", file: "kraken/ticker_docs.json", params: map[string]string{"pair": "XXBTZUSD"}, want: 30303.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := newParser(t, markets.FormatKrakenTicker, tt.params)(feedtest.Testdata(t, tt.file), now)
			require.NoError(t, err)
			assert.Equal(t, []*event.MarketQuote{{
				Meta:       event.Meta{Source: "kraken", ObservedAt: feedtest.UTC(t, "2026-09-25T18:17:00Z")},
				Instrument: "BTC-USD", Value: tt.want, Unit: "USD", Kind: "last",
			}}, exQuotes(t, obs, now))
		})
	}
}

func TestParseKrakenOHLC(t *testing.T) {
	day := func(d string, v float64) *event.MarketQuote { return exClose(t, "kraken", d, v) }
	exCloses(t, markets.FormatKrakenOHLC, "kraken/ohlc_daily_2024-10.json", []exCloseCase{
		{
			name: "the last row (21 Oct) is uncommitted, even long after",
			now:  "2026-12-01T09:30:00Z",
			want: []*event.MarketQuote{day("2024-10-18", 68440.3), day("2024-10-19", 68380.1), day("2024-10-20", 69001.5)},
		},
		{
			name: "a day not ended at the fetch time is not a close",
			now:  "2024-10-20T12:00:00Z",
			want: []*event.MarketQuote{day("2024-10-18", 68440.3), day("2024-10-19", 68380.1)},
		},
	})
}

func TestKrakenRejects(t *testing.T) {
	common := func(what string) []exReject {
		return []exReject{
			{name: "service unavailable", body: feedtest.Testdata(t, "kraken/bad_unavailable.json"), want: what + `: bad body: API error: "EService:Unavailable"`},
			{name: "unknown pair", body: feedtest.Testdata(t, "kraken/bad_unknown_pair.json"), want: what + `: bad body: API error: "EQuery:Unknown asset pair"`},
			{name: "an HTML error page", body: feedtest.Testdata(t, "kraken/bad_html_error.html"), want: what + `: bad body: looks like HTML or XML, not JSON`},
			{name: "truncated", body: feedtest.Testdata(t, "kraken/bad_truncated.json"), want: what + ": bad body: truncated JSON: the body ends inside a value after 150 bytes"},
			{name: "empty", body: []byte("\n"), want: what + ": bad body: empty body"},
			{name: "no error array", body: []byte(`{"result":{}}`), want: what + ": bad body: no error array: not a Kraken response"},
			{name: "no result", body: []byte(`{"error":[]}`), want: what + ": bad body: no result object"},
			{name: "an error that is not an array", body: []byte(`{"error":"EGeneral:Internal error","result":{}}`), want: what + ": bad body: error is a JSON string, want array"},
			{name: "no pair", body: []byte(`{"error":[],"result":{}}`), want: what + ": bad body: the result holds no pair"},
			{name: "another pair than asked", body: feedtest.Testdata(t, "kraken/ticker_docs.json"), params: map[string]string{"pair": "XETHZUSD"},
				want: what + `: bad body: no pair "XETHZUSD" in the result (has ["XXBTZUSD"])`},
		}
	}
	tests := []struct {
		format string
		cases  []exReject
	}{
		{markets.FormatKrakenTicker, append(common("kraken ticker"),
			exReject{name: "two pairs", body: []byte(`{"error":[],"result":{"XXBTZUSD":{"c":["1","1"]},"XETHZUSD":{"c":["1","1"]}}}`),
				want: `kraken ticker: bad body: the result holds 2 pairs ["XETHZUSD" "XXBTZUSD"]: set the pair parameter`},
			exReject{name: "no last trade", body: []byte(`{"error":[],"result":{"XXBTZUSD":{"a":["1","1","1.000"]}}}`), want: "kraken ticker: bad body: pair XXBTZUSD has no last trade c"},
			exReject{name: "a numeric last trade", body: []byte(`{"error":[],"result":{"XXBTZUSD":{"c":[84036.0,"0.1"]}}}`), want: "pair XXBTZUSD: last trade price c[0] is 84036.0, not a string"},
			exReject{name: "a last trade that is not a decimal", body: []byte(`{"error":[],"result":{"XXBTZUSD":{"c":["","0.1"]}}}`), want: `pair XXBTZUSD: last trade price "" is not a plain decimal number`},
			exReject{name: "candles sent to the ticker", body: feedtest.Testdata(t, "kraken/ohlc_daily_2024-10.json"), want: `the result holds 2 pairs ["XXBTZUSD" "last"]`},
		)},
		{markets.FormatKrakenOHLC, append(common("kraken ohlc"),
			exReject{name: "minute candles (the documented example)", body: feedtest.Testdata(t, "kraken/ohlc_docs_minute.json"),
				want: "kraken ohlc: bad body: pair XXBTZUSD candle 0: time 1688671200 (2023-07-06T19:20:00Z) is not a UTC midnight: not a daily candle"},
			exReject{name: "the ticker sent to ohlc", body: feedtest.Testdata(t, "kraken/ticker_docs.json"), want: "kraken ohlc: bad body: pair XXBTZUSD: the body is a JSON object, want array"},
			exReject{name: "no candles", body: []byte(`{"error":[],"result":{"XXBTZUSD":[],"last":0}}`), want: "pair XXBTZUSD has no candles"},
			exReject{name: "only last", body: []byte(`{"error":[],"result":{"last":1729382400}}`), want: "kraken ohlc: bad body: the result holds no pair"},
			exReject{name: "seven fields", body: []byte(`{"error":[],"result":{"XXBTZUSD":[[1729209600,"1","2","3","4","5","6"]],"last":1}}`), want: "candle 0: 7 fields, want 8"},
			exReject{name: "a string time", body: []byte(`{"error":[],"result":{"XXBTZUSD":[["x","1","2","3","4","5","6",7]],"last":1}}`), want: `candle 0: time "x" is not a number`},
			exReject{name: "a numeric close", body: []byte(`{"error":[],"result":{"XXBTZUSD":[[1729209600,"1","2","3",4,"5","6",7]],"last":1}}`), want: "candle 0: close 4 is not a string"},
			exReject{name: "a day twice", body: []byte(`{"error":[],"result":{"XXBTZUSD":[[1729209600,"1","2","3","4","5","6",7],[1729209600,"1","2","3","4","5","6",7]],"last":1}}`), want: "candle 1: the day 2024-10-18 appears twice"},
			exReject{name: "a close of NaN", body: []byte(`{"error":[],"result":{"XXBTZUSD":[[1729209600,"1","2","3","NaN","5","6",7]],"last":1}}`), want: `candle 0: close "NaN" is not a plain decimal number`},
		)},
	}
	for _, tt := range tests {
		exRejects(t, tt.format, tt.cases)
	}
}

func FuzzKrakenTicker(f *testing.F) {
	exFuzz(f, markets.FormatKrakenTicker, event.QuoteLast, "kraken/*")
}

func FuzzKrakenOHLC(f *testing.F) {
	exFuzz(f, markets.FormatKrakenOHLC, event.QuoteClose, "kraken/*")
}
