package markets

import "github.com/carrywatch/carrywatch/pkg/feed"

// Formats returns the market formats for `carrywatch feed parse --format`
// and the ingest-markets service. Each New returns an error wrapping
// feed.ErrBadParam for an unknown or invalid parameter.
func Formats() []feed.Format {
	var fs []feed.Format

	// ECB reference rates and exchange tickers and candles: ecb.go,
	// coinbase.go, kraken.go.
	fs = append(fs, ecbFormats()...)
	fs = append(fs, coinbaseFormats()...)
	fs = append(fs, krakenFormats()...)

	return fs
}
