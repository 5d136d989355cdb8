package markets

import (
	"slices"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Formats returns the market formats for `carrywatch feed parse --format`
// and the ingest-markets service, one block per family of sources. Each Format's New returns an error
// wrapping feed.ErrBadParam for an unknown or invalid parameter.
func Formats() []feed.Format {
	return slices.Concat(
		dailyFormats(),    // FRED, Treasury, CBOE, history files: below
		ecbFormats(),      // ECB euro reference rates: ecb.go
		coinbaseFormats(), // Coinbase Exchange ticker and candles: coinbase.go
		krakenFormats(),   // Kraken ticker and OHLC: kraken.go
	)
}

// ---------------------------------------------------------------------------
// Daily series: FRED, the Treasury par curve, CBOE, history files.
// ---------------------------------------------------------------------------

// Format names of the daily series.
const (
	FormatFRED       = "fred-csv"
	FormatTreasury   = "treasury-par"
	FormatCBOE       = "cboe-vix"
	FormatHistory    = "history-csv"
	FormatHistoryJGB = "history-jgb"
)

// dailyFormats are the formats of daily series, stamped by Conventions.
func dailyFormats() []feed.Format {
	return []feed.Format{
		{
			Name: FormatFRED,
			Doc: "FRED CSV download (fredgraph.csv?id=SERIES; header observation_date,SERIES or DATE,SERIES): " +
				"DEXJPUS → USDJPY (JPY per USD, fixing, 17:00 UTC), DGS2 → UST2Y and DGS10 → UST10Y (percent, close, 21:00 UTC), " +
				"CBBTCUSD → BTC-USD (USD, close, 21:00 UTC), VIXCLS → VIX (points, close, 21:00 UTC); \".\" or empty gives no event. " +
				"Params: source (default fred); instrument with unit, kind, at (HH:MM UTC) for another series.",
			New: NewFRED,
		},
		{
			Name: FormatTreasury,
			Doc: "US Treasury daily par yield curve CSV (daily-treasury-rates.csv?type=daily_treasury_yield_curve; " +
				"Date,\"1 Mo\",…,\"2 Yr\",…,\"10 Yr\",…; MM/DD/YYYY, newest first): \"2 Yr\" → UST2Y, \"10 Yr\" → UST10Y " +
				"(percent, close, 21:00 UTC); empty gives no event. Params: source (default treasury).",
			New: NewTreasury,
		},
		{
			Name: FormatCBOE,
			Doc: "CBOE index history CSV (VIX_History.csv; DATE,OPEN,HIGH,LOW,CLOSE; MM/DD/YYYY): CLOSE → VIX " +
				"(points, close, 21:00 UTC). Params: source (default cboe), instrument (default VIX).",
			New: NewCBOE,
		},
		{
			Name: FormatHistory,
			Doc: "Plain date,value history file (ISO dates, one value a line, as pkg/history/data): one quote of the " +
				"instrument per row. Params: instrument (required); unit, kind, at (HH:MM UTC), defaulting to the " +
				"instrument's convention (USDJPY fixing 17:00, others close 21:00); source (default history).",
			New: NewHistory,
		},
		{
			Name: FormatHistoryJGB,
			Doc: "Plain date,value history file of JGB yields in percent (pkg/history's jgb_2y.csv, jgb_10y.csv): " +
				"one event.JGBYield of the tenor per row at 06:00 UTC (15:00 JST). Params: tenor (required), " +
				"source (default mof, so ids match mof-jgb's), at (HH:MM UTC).",
			New: NewHistoryJGB,
		},
	}
}
