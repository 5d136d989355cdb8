// Command carrywatch is the all-in-one binary: `carrywatch up` runs every
// service in one process on an embedded NATS server and a local ClickHouse,
// and the other subcommands are the operator's and analyst's tools.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd(os.Stdout, os.Stderr).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "carrywatch:", err)
		os.Exit(1)
	}
}
