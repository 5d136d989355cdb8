// Command scorer computes the carry & liquidity risk index (CLRI) from
// CW_EVENTS and publishes its prints on cw.risk.score and
// cw.risk.component.<name>. Configuration comes from the environment.
package main

import "go.uber.org/fx"

func main() {
	fx.New(appOptions()).Run()
}
