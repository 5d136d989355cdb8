// Command ingest-markets polls the market sources of the feeds file
// (CW_FEED_CONFIG): ECB reference rates, Coinbase and Kraken tickers and
// daily candles, and the CSV market formats. It publishes their quotes to
// CW_EVENTS on cw.events.market.quote.<instrument>.
package main

import "go.uber.org/fx"

func main() {
	fx.New(appOptions()).Run()
}
