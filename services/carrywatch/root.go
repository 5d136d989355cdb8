package main

import (
	"io"

	"github.com/spf13/cobra"
)

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "carrywatch",
		Short:         "Real-time macro liquidity and yen-carry risk for crypto markets",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newUpCmd(), newMigrateCmd(), newPublishCmd(), newTailCmd(), newFeedCmd(), newOutageCmd(), newBacktestCmd(), newBenchCmd(), newCalibrateCmd(), newValidateCmd())
	return root
}
