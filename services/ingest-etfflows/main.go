// Command ingest-etfflows polls the spot crypto ETF flows (Farside, SoSoValue, CSV) sources of the
// feeds file (CW_FEED_CONFIG) and publishes their observations to CW_EVENTS.
package main

import "go.uber.org/fx"

func main() {
	fx.New(appOptions()).Run()
}
