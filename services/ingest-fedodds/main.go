// Command ingest-fedodds polls the Fed rate odds (FedWatch from Fed funds futures, Kalshi, Polymarket, CSV) sources of the
// feeds file (CW_FEED_CONFIG) and publishes their observations to CW_EVENTS.
package main

import "go.uber.org/fx"

func main() {
	fx.New(appOptions()).Run()
}
