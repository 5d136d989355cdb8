package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/backtest"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

type backtestFlags struct {
	scenario, csv, chart, calibration string
	fromCH                            bool
	from, to                          string
}

func newBacktestCmd() *cobra.Command {
	var f backtestFlags
	cmd := &cobra.Command{
		Use:   "backtest (--scenario NAME|FILE | --from-clickhouse --from T --to T) [--csv FILE] [--chart FILE.svg|.png|.html]",
		Short: "Score a scenario or stored history with the live model and write every print and a chart",
		Long: `Run the scoring model over a scenario, or over the events stored in
ClickHouse between two times, exactly as the live scorer would (same model,
same calibration, heartbeats every 10 minutes of event time), and write every
print as CSV and a chart: the index with regime bands, stacked block
contributions, trigger markers and the input series.

  carrywatch backtest --scenario nov-2025 --csv prints.csv --chart nov-2025.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			events, name, err := backtestInput(cmd.Context(), f)
			if err != nil {
				return err
			}
			cal := risk.DefaultCalibration()
			if f.calibration != "" {
				data, err := os.ReadFile(f.calibration)
				if err != nil {
					return fmt.Errorf("read calibration: %w", err)
				}
				if cal, err = risk.ParseCalibration(data); err != nil {
					return err
				}
			}
			prints := score(cal, events)
			if len(prints) == 0 {
				return fmt.Errorf("%s gave no prints", name)
			}
			if f.csv != "" {
				if err := writeFile(f.csv, func(w *os.File) error { return backtest.WriteCSV(w, prints) }); err != nil {
					return err
				}
			}
			if f.chart != "" {
				opts := backtest.Options{Title: "CLRI backtest: " + name}
				if err := backtest.Render(f.chart, prints, events, opts); err != nil {
					return err
				}
			}
			last := prints[len(prints)-1]
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "{\"input\":%q,\"events\":%d,\"prints\":%d,\"last_index\":%v,\"last_regime\":%q,\"model_version\":%q,\"calibration_hash\":%q}\n",
				name, len(events), len(prints), last.Index, last.Regime, last.ModelVersion, last.CalibrationHash)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.scenario, "scenario", "", "scenario to score: an embedded name or a .jsonl file")
	fl.BoolVar(&f.fromCH, "from-clickhouse", false, "score the events stored in ClickHouse (CW_CLICKHOUSE_ADDR) between --from and --to")
	fl.StringVar(&f.from, "from", "", "start (RFC 3339 or YYYY-MM-DD) with --from-clickhouse")
	fl.StringVar(&f.to, "to", "", "end (RFC 3339 or YYYY-MM-DD) with --from-clickhouse")
	fl.StringVar(&f.csv, "csv", "", "write every print as CSV")
	fl.StringVar(&f.chart, "chart", "", "draw the chart: .svg, .png or .html")
	fl.StringVar(&f.calibration, "calibration", "", "calibration file (default: the embedded one)")
	return cmd
}

// score runs the model over events in order with replay heartbeats, the
// same path as live scoring, and returns the prints it would publish.
func score(cal risk.Calibration, events []event.Event) []*event.RiskScore {
	m := risk.NewModel(cal)
	var prints []*event.RiskScore
	for i, ev := range scenario.WithHeartbeats(events, replayHeartbeat) {
		if m.Update(ev, uint64(i+1)) {
			if p := m.Print(); p != nil {
				prints = append(prints, p)
			}
		}
	}
	return prints
}

// backtestInput returns the input events in event-time order and a name.
func backtestInput(ctx context.Context, f backtestFlags) ([]event.Event, string, error) {
	switch {
	case f.scenario != "" && f.fromCH:
		return nil, "", fmt.Errorf("give --scenario or --from-clickhouse, not both")
	case f.scenario != "":
		data, err := scenario.Load(f.scenario)
		if err != nil {
			return nil, "", err
		}
		sc, err := scenario.Parse(data, time.Now())
		if err != nil {
			return nil, "", err
		}
		return sc.Events, f.scenario, nil
	case f.fromCH:
		from, err := parseWhen(f.from)
		if err != nil {
			return nil, "", fmt.Errorf("--from: %w", err)
		}
		to, err := parseWhen(f.to)
		if err != nil {
			return nil, "", fmt.Errorf("--to: %w", err)
		}
		c, err := loadConfig()
		if err != nil {
			return nil, "", err
		}
		events, err := storedEvents(ctx, c.CH, from, to)
		if err != nil {
			return nil, "", err
		}
		return events, fmt.Sprintf("clickhouse %s..%s", from.Format(time.RFC3339), to.Format(time.RFC3339)), nil
	}
	return nil, "", fmt.Errorf("give --scenario NAME|FILE or --from-clickhouse --from T --to T")
}

func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.DateOnly, s)
}

func writeFile(path string, write func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
