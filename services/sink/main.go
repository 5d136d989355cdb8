// Command sink moves every event, score and dead letter from NATS JetStream
// into ClickHouse. Configuration comes from the environment (CW_*).
package main

import "go.uber.org/fx"

func main() {
	fx.New(appOptions()).Run()
}
