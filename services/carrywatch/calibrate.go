package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/history"
	histreplay "github.com/carrywatch/carrywatch/pkg/history/replay"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

func newCalibrateCmd() *cobra.Command {
	var out, check string
	cmd := &cobra.Command{
		Use:   "calibrate [--out FILE | --check FILE]",
		Short: "Fit the clri-v2 calibration file on the embedded 1999–2023 history",
		Long: `Fit model clri-v2 on the history embedded in the binary (pkg/history/data:
JGB yields, USDJPY, UST 2Y, BTC, VIX and Fed odds from the fed funds futures,
every row dated on or before 2023-12-31) and write the calibration file. The
same binary always writes the same bytes; the file records the SHA-256 of every
history file it read. Data from 2024 on is never read: it judges the model.

  carrywatch calibrate --out pkg/risk/calibration/clri-v2.yaml
  carrywatch calibrate --check pkg/risk/calibration/clri-v2.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := calibrationV2(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			switch {
			case check != "":
				have, err := os.ReadFile(check)
				if err != nil {
					return fmt.Errorf("read %s: %w", check, err)
				}
				if !bytes.Equal(have, data) {
					return fmt.Errorf("%s differs from what calibrate writes (%d bytes vs %d): run carrywatch calibrate --out %s", check, len(have), len(data), check)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s is what calibrate writes (%d bytes)\n", check, len(data))
				return nil
			case out != "" && out != "-":
				return os.WriteFile(out, data, 0o644)
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().StringVar(&out, "out", "-", "write the file here (- for standard output)")
	cmd.Flags().StringVar(&check, "check", "", "compare with this file instead of writing; fail if they differ")
	return cmd
}

// calibrationV2 reads the history the model is fitted on and returns the
// calibration file CalibrateV2 writes.
func calibrationV2(stderr io.Writer) ([]byte, error) {
	events, err := replayHistory(stderr)
	if err != nil {
		return nil, err
	}
	var inputs []risk.InputFile
	for _, s := range history.All() {
		b, err := s.Bytes()
		if err != nil {
			return nil, err
		}
		vals, err := s.Values()
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		in := risk.InputFile{File: s.File(), Rows: len(vals), SHA256: hex.EncodeToString(sum[:])}
		if len(vals) > 0 {
			in.First = vals[0].Date.Format(time.DateOnly)
			in.Last = vals[len(vals)-1].Date.Format(time.DateOnly)
		}
		inputs = append(inputs, in)
	}
	return risk.CalibrateV2(risk.FitInput{Events: events, Inputs: inputs})
}

// replayHistory returns the embedded history as one time-ordered stream of
// input events: market quotes, JGB yields and Fed odds.
func replayHistory(_ io.Writer) ([]event.Event, error) {
	return histreplay.Events()
}
