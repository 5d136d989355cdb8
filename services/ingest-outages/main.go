// Command ingest-outages polls the venue outages and halts (Statuspage, Kraken, Binance) sources of the
// feeds file (CW_FEED_CONFIG) and publishes their observations to CW_EVENTS.
package main

import "go.uber.org/fx"

func main() {
	fx.New(appOptions()).Run()
}
