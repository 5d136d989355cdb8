package markets_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

// Every market format is listed, with a doc and a constructor.
func TestFormatsAreListed(t *testing.T) {
	feedtest.CheckFormats(t, markets.Formats(),
		"cboe-vix", "fred-csv", "history-csv", "history-jgb", "treasury-par",
		"ecb-fx", "coinbase-ticker", "coinbase-candles", "kraken-ticker", "kraken-ohlc")
}

func TestDailyFormatParams(t *testing.T) {
	tests := []struct {
		format  string
		params  map[string]string
		wantErr string
	}{
		{format: "fred-csv", params: map[string]string{"series": "DEXJPUS"},
			wantErr: `format fred-csv: bad format parameter: unknown parameter "series" (known: source, instrument, unit, kind, at)`},
		{format: "fred-csv", params: map[string]string{"source": "FRED", "unit": "yen", "kind": "settle", "at": "24:00"},
			wantErr: "format fred-csv: bad format parameter: at \"24:00\" is not a UTC time of day HH:MM\n" +
				"kind \"settle\" is not one of [\"close\" \"fixing\" \"last\"]\n" +
				"source \"FRED\" must be 1-64 of lowercase [a-z0-9_.-], starting with a letter or digit\n" +
				"unit \"yen\" is not one of [\"JPY per USD\" \"percent\" \"USD\" \"points\"]"},
		{format: "fred-csv", params: map[string]string{"instrument": "usd/jpy"},
			wantErr: `format fred-csv: bad format parameter: instrument "usd/jpy" must be 1-32 of [A-Z0-9-], starting with a letter or digit`},
		{format: "treasury-par", params: map[string]string{"instrument": "UST2Y"},
			wantErr: `format treasury-par: bad format parameter: unknown parameter "instrument" (known: source)`},
		{format: "cboe-vix", params: map[string]string{"unit": "points"},
			wantErr: `format cboe-vix: bad format parameter: unknown parameter "unit" (known: source, instrument)`},
		{format: "history-csv", params: nil,
			wantErr: "format history-csv: bad format parameter: no instrument: give the instrument parameter"},
		{format: "history-csv", params: map[string]string{"instrument": "DXY", "kind": "close"},
			wantErr: "format history-csv: bad format parameter: instrument DXY has no built-in unit and kind: give the unit and kind parameters"},
		{format: "history-jgb", params: map[string]string{"source": "mof"},
			wantErr: "format history-jgb: bad format parameter: no tenor: give the tenor parameter (2Y, 10Y, …)"},
		{format: "history-jgb", params: map[string]string{"tenor": "10", "instrument": "JGB10Y"},
			wantErr: "format history-jgb: bad format parameter: unknown parameter \"instrument\" (known: tenor, source, at)\n" +
				"tenor \"10\" is not like 2Y, 10Y or 6M"},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.wantErr, func(t *testing.T) {
			f, err := feed.Lookup(markets.Formats(), tt.format)
			require.NoError(t, err)
			p, err := f.New(tt.params)
			require.ErrorIs(t, err, feed.ErrBadParam)
			assert.EqualError(t, err, tt.wantErr)
			assert.Nil(t, p)
		})
	}
}

func TestExchangeParams(t *testing.T) {
	feedtest.CheckParams(t, markets.Formats(), []feedtest.ParamCase{
		{Format: markets.FormatCoinbaseTicker},
		{Format: markets.FormatCoinbaseCandles, Params: map[string]string{"instrument": "ETH-USD", "source": "coinbase"}},
		{Format: markets.FormatKrakenTicker, Params: map[string]string{"pair": "XETHZUSD", "instrument": "ETH-USD"}},
		{Format: markets.FormatKrakenOHLC, Params: map[string]string{"pair": "XXBTZUSD"}},
		{Format: markets.FormatCoinbaseTicker, Params: map[string]string{"instrument": "BTC-EUR"},
			WantErr: `coinbase-ticker: bad format parameter: instrument "BTC-EUR" must be 1-32 of [A-Z0-9-] ending in -USD`},
		{Format: markets.FormatCoinbaseCandles, Params: map[string]string{"instrument": "btc-usd"}, WantErr: `instrument "btc-usd" must be`},
		{Format: markets.FormatCoinbaseTicker, Params: map[string]string{"pair": "XXBTZUSD"},
			WantErr: `coinbase-ticker: bad format parameter: unknown parameter "pair" (known: instrument, source)`},
		{Format: markets.FormatKrakenTicker, Params: map[string]string{"granularity": "60"},
			WantErr: `kraken-ticker: bad format parameter: unknown parameter "granularity" (known: instrument, source, pair)`},
		{Format: markets.FormatKrakenOHLC, Params: map[string]string{"source": "Kraken"}, WantErr: `source "Kraken" must be 1-64 of lowercase`},
		{Format: markets.FormatKrakenOHLC, Params: map[string]string{"pair": "xbt/usd"}, WantErr: `pair "xbt/usd" must be 1-32 of [A-Z0-9.]`},
		{Format: markets.FormatECBFX, Params: map[string]string{"instrument": "USDJPY"},
			WantErr: `ecb-fx: bad format parameter: unknown parameter "instrument" (known: source)`},
		{Format: markets.FormatECBFX, Params: map[string]string{"source": "ECB"}, WantErr: `ecb-fx: bad format parameter: source "ECB" must be`},
	})
}
