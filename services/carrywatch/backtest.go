package main

import (
	"context"
	"errors"
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
	scenario, csv, chart, calibration, model string
	fromCH, strict                           bool
	from, to                                 string
}

// errRejectedLines is the error of a --strict backtest whose scenario has
// lines that are not valid events.
var errRejectedLines = errors.New("scenario has lines that are not valid events")

// backtestInput is what a backtest scores: the valid events in event-time
// order, a name for the input, and the scenario lines that were not valid
// events.
type backtestInput struct {
	events   []event.Event
	name     string
	rejected []backtest.RejectedLine
}

func newBacktestCmd() *cobra.Command {
	var f backtestFlags
	cmd := &cobra.Command{
		Use:   "backtest (--scenario NAME|FILE | --from-clickhouse --from T --to T) [--csv FILE] [--chart FILE.svg|.png|.html] [--strict]",
		Short: "Score a scenario or stored history with the live model and write every print and a chart",
		Long: `Run the scoring model over a scenario, or over the events stored in
ClickHouse between two times, exactly as the live scorer would (same model,
same calibration, heartbeats every 10 minutes of event time), and write every
print as CSV and a chart: the index with regime bands, stacked block
contributions, trigger markers and the input series. A PNG has the tables of
regime changes and trigger episodes under the chart; an HTML page has them
under the SVG chart. The CSV has a raw, score and confidence column for
every component on the prints.

A scenario line that is not a valid event is left out of the replay and
reported: each one on stderr as FILE:LINE: CODE: REASON, then a count by
code, which the chart's subtitle and the HTML page's list repeat. With
--strict any such line makes the command fail, after it has written its
outputs.

  carrywatch backtest --scenario nov-2025 --csv prints.csv --chart nov-2025.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := readBacktestInput(cmd.Context(), f)
			if err != nil {
				return err
			}
			events, name := in.events, in.name
			for _, r := range in.rejected {
				if _, err := fmt.Fprintf(cmd.ErrOrStderr(), "%s:%d: %s: %s\n", name, r.Line, r.Code, r.Reason); err != nil {
					return err
				}
			}
			if len(in.rejected) > 0 {
				if _, err := fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", name, backtest.SummarizeRejected(in.rejected)); err != nil {
					return err
				}
			}
			cal, err := risk.CalibrationFor(f.model)
			if err != nil {
				return err
			}
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
				opts := backtest.Options{Title: "CLRI backtest: " + name, Rejected: in.rejected, Thresholds: cal.RegimeThresholds()}
				if err := backtest.Render(f.chart, prints, events, opts); err != nil {
					return err
				}
			}
			last := prints[len(prints)-1]
			if _, err := fmt.Fprintf(cmd.OutOrStdout(), "{\"input\":%q,\"events\":%d,\"rejected\":%d,\"prints\":%d,\"last_index\":%v,\"last_regime\":%q,\"model_version\":%q,\"calibration_hash\":%q}\n",
				name, len(events), len(in.rejected), len(prints), last.Index, last.Regime, last.ModelVersion, last.CalibrationHash); err != nil {
				return err
			}
			if f.strict && len(in.rejected) > 0 {
				return fmt.Errorf("%s: %w (--strict)", name, errRejectedLines)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.scenario, "scenario", "", "scenario to score: an embedded name or a .jsonl file")
	fl.BoolVar(&f.fromCH, "from-clickhouse", false, "score the events stored in ClickHouse (CW_CLICKHOUSE_ADDR) between --from and --to")
	fl.StringVar(&f.from, "from", "", "start (RFC 3339 or YYYY-MM-DD) with --from-clickhouse")
	fl.StringVar(&f.to, "to", "", "end (RFC 3339 or YYYY-MM-DD) with --from-clickhouse")
	fl.StringVar(&f.csv, "csv", "", "write every print as CSV")
	fl.StringVar(&f.chart, "chart", "", "draw the chart: .svg, .png or .html")
	fl.StringVar(&f.model, "model", risk.DefaultModelVersion, "model version: clri-v2 or clri-v1, with its embedded calibration")
	fl.StringVar(&f.calibration, "calibration", "", "calibration file (default: the model's embedded one); its model_version decides the model")
	fl.BoolVar(&f.strict, "strict", false, "fail if any scenario line is not a valid event (the outputs are still written)")
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

// readBacktestInput reads the scenario or the stored events f names.
func readBacktestInput(ctx context.Context, f backtestFlags) (backtestInput, error) {
	switch {
	case f.scenario != "" && f.fromCH:
		return backtestInput{}, fmt.Errorf("give --scenario or --from-clickhouse, not both")
	case f.scenario != "":
		data, err := scenario.Load(f.scenario)
		if err != nil {
			return backtestInput{}, err
		}
		sc, err := scenario.Parse(data, time.Now())
		if err != nil {
			return backtestInput{}, err
		}
		return backtestInput{events: sc.Events, name: f.scenario, rejected: rejectedLines(sc.Rejected)}, nil
	case f.fromCH:
		from, err := parseWhen(f.from)
		if err != nil {
			return backtestInput{}, fmt.Errorf("--from: %w", err)
		}
		to, err := parseWhen(f.to)
		if err != nil {
			return backtestInput{}, fmt.Errorf("--to: %w", err)
		}
		c, err := loadConfig()
		if err != nil {
			return backtestInput{}, err
		}
		if c.CH, err = withLocalCH(c.CH, c.DataDir); err != nil {
			return backtestInput{}, err
		}
		events, err := storedEvents(ctx, c.CH, from, to)
		if err != nil {
			return backtestInput{}, err
		}
		return backtestInput{events: events, name: fmt.Sprintf("clickhouse %s..%s", from.Format(time.RFC3339), to.Format(time.RFC3339))}, nil
	}
	return backtestInput{}, fmt.Errorf("give --scenario NAME|FILE or --from-clickhouse --from T --to T")
}

// rejectedLines turns the scenario's rejected lines into the report's: the
// reason without the "line N:" the scenario puts in front.
func rejectedLines(rs []scenario.Rejected) []backtest.RejectedLine {
	out := make([]backtest.RejectedLine, 0, len(rs))
	for _, r := range rs {
		reason := r.Err
		if inner := errors.Unwrap(r.Err); inner != nil {
			reason = inner
		}
		out = append(out, backtest.RejectedLine{Line: r.Line, Code: event.Code(r.Err), Reason: reason.Error()})
	}
	return out
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
