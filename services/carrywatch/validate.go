package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/history"
	"github.com/carrywatch/carrywatch/pkg/progress"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

// The event study's targets (MODEL.md, v2 check 4).
const (
	targetElevatedEpisodes = 6    // of the 8 episodes at least elevated
	targetElevatedShare    = 0.10 // weekdays at elevated or stress, at most
	targetStressShare      = 0.03 // weekdays at stress, at most
)

func newValidateCmd() *cobra.Command {
	var model, calibration string
	cmd := &cobra.Command{
		Use:   "validate [--model clri-v2] [--calibration FILE]",
		Short: "Replay 1999–2023 through the model and print the event study",
		Long: `Replay the embedded 1999–2023 history (market quotes, JGB yields, Fed odds
from the fed funds futures; no ETF flows or venue events exist before 2024)
through the model and print, for each stress episode of the history, the
highest regime within ±2 business days with its index, drivers and triggers,
and the share of business days in each regime. It exits non-zero when a target
is missed: every episode at least watch, at least 6 of 8 at least elevated,
elevated or stress on at most 10 % of business days, stress on at most 3 %.

  carrywatch validate`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cal, err := risk.CalibrationFor(model)
			if err != nil {
				return err
			}
			if calibration != "" {
				data, err := os.ReadFile(calibration)
				if err != nil {
					return fmt.Errorf("read calibration: %w", err)
				}
				if cal, err = risk.ParseCalibration(data); err != nil {
					return err
				}
			}
			// Progress on stderr when it is a terminal; stdout keeps the
			// study.
			prog := progress.For(cmd.ErrOrStderr())
			defer prog.Clear()
			prog.Step("building the 1999–2023 history events")
			events, err := replayHistory(prog.Above(cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			prog.Step("scoring %d history events with %s (calibration %s)", len(events), cal.Version(), cal.Hash())
			res := risk.Study(cal, events, studyEpisodes())
			prog.Clear()
			writeStudy(cmd.OutOrStdout(), res)
			if miss := studyMisses(res); len(miss) > 0 {
				return fmt.Errorf("event study misses its targets: %s", strings.Join(miss, "; "))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&model, "model", risk.DefaultModelVersion, "model version: clri-v1 or clri-v2")
	cmd.Flags().StringVar(&calibration, "calibration", "", "a calibration file instead of the embedded one")
	return cmd
}

// studyEpisodes returns the history's stress episodes.
func studyEpisodes() []risk.Episode {
	var eps []risk.Episode
	for _, e := range history.Episodes() {
		eps = append(eps, risk.Episode{Name: e.Name, From: e.From, To: e.To})
	}
	return eps
}

// regimeAtLeast reports whether regime r is at least min.
func regimeAtLeast(r, min string) bool {
	rank := map[string]int{event.RegimeCalm: 0, event.RegimeWatch: 1, event.RegimeElevated: 2, event.RegimeStress: 3}
	return r != "" && rank[r] >= rank[min]
}

// studyMisses lists the targets the study misses.
func studyMisses(res risk.StudyResult) []string {
	var miss []string
	elevated := 0
	for _, e := range res.Episodes {
		if !regimeAtLeast(e.Regime, event.RegimeWatch) {
			miss = append(miss, e.Name+" below watch")
		}
		if regimeAtLeast(e.Regime, event.RegimeElevated) {
			elevated++
		}
	}
	if elevated < targetElevatedEpisodes {
		miss = append(miss, fmt.Sprintf("%d of %d episodes at least elevated, want %d", elevated, len(res.Episodes), targetElevatedEpisodes))
	}
	if s := res.Shares[event.RegimeElevated] + res.Shares[event.RegimeStress]; s > targetElevatedShare {
		miss = append(miss, fmt.Sprintf("elevated or stress on %.1f %% of business days, want at most %.0f %%", 100*s, 100*targetElevatedShare))
	}
	if s := res.Shares[event.RegimeStress]; s > targetStressShare {
		miss = append(miss, fmt.Sprintf("stress on %.1f %% of business days, want at most %.0f %%", 100*s, 100*targetStressShare))
	}
	return miss
}

// writeStudy prints the study as Markdown tables.
func writeStudy(w io.Writer, res risk.StudyResult) {
	fmt.Fprintf(w, "Event study: %s (calibration %s), 1999–2023 replayed\n\n", res.ModelVersion, res.CalibrationHash)
	fmt.Fprintln(w, "| episode | window | highest regime | index | at | drivers | triggers |")
	fmt.Fprintln(w, "|---|---|---|---:|---|---|---|")
	for _, e := range res.Episodes {
		at := "—"
		if !e.At.IsZero() {
			at = e.At.Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(w, "| %s | %s .. %s | %s | %.1f | %s | %s | %s |\n", e.Name, e.From.Format("2006-01-02"), e.To.Format("2006-01-02"),
			e.Regime, e.Index, at, strings.Join(e.Drivers, " "), strings.Join(e.Triggers, " "))
	}
	fmt.Fprintf(w, "\n| regime | share of %d business days |\n|---|---:|\n", res.Weekdays)
	for _, r := range []string{event.RegimeCalm, event.RegimeWatch, event.RegimeElevated, event.RegimeStress} {
		fmt.Fprintf(w, "| %s | %.1f %% |\n", r, 100*res.Shares[r])
	}
}
