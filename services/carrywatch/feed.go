package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
	"github.com/carrywatch/carrywatch/pkg/history"
	"github.com/carrywatch/carrywatch/pkg/progress"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

func newFeedCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Check a source's body, or load its history into the pipeline",
	}
	cmd.AddCommand(newFeedFormatsCmd(), newFeedParseCmd(), newFeedBackfillCmd())
	return cmd
}

func newFeedFormatsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "formats",
		Short: "List the source formats and their parameters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all := formats.All()
			for _, name := range feed.FormatNames(all) {
				f, _ := feed.Lookup(all, name)
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n    %s\n\n", f.Name, strings.ReplaceAll(strings.TrimSpace(f.Doc), "\n", "\n    "))
			}
			return nil
		},
	}
}

type parseFlags struct {
	format string
	params []string
}

func (f *parseFlags) register(cmd *cobra.Command) {
	f.registerOptional(cmd)
	_ = cmd.MarkFlagRequired("format")
}

// registerOptional is register for a command that may do without --format.
func (f *parseFlags) registerOptional(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.format, "format", "", "source format (see `carrywatch feed formats`)")
	cmd.Flags().StringArrayVar(&f.params, "param", nil, "format parameter key=value (e.g. venue=kraken, asset=BTC)")
}

// parseSource reads location (a file, an http(s) URL, or - for stdin) and
// returns its sealed, validated events. Any invalid observation fails the
// whole parse: nothing half-checked is printed or sent.
func parseSource(ctx context.Context, stdin io.Reader, stderr io.Writer, f parseFlags, location string, now time.Time) ([]event.Event, error) {
	params := map[string]string{}
	for _, kv := range f.params {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: want key=value", kv)
		}
		params[k] = v
	}
	parse, err := newParser(f.format, params)
	if err != nil {
		return nil, err
	}
	var body []byte
	if location == "-" {
		body, err = io.ReadAll(io.LimitReader(stdin, feed.DefaultMaxBodyBytes))
	} else {
		body, err = feed.Read(ctx, location)
	}
	if err != nil {
		return nil, err
	}
	return parseBody(stderr, parse, body, location, f.format, now)
}

// newParser returns the parser of the format called name with params.
func newParser(name string, params map[string]string) (feed.Parser, error) {
	format, err := feed.Lookup(formats.All(), name)
	if err != nil {
		return nil, err
	}
	return format.New(params)
}

// parseBody parses body, read from location, with the parser of format,
// writes the warnings to stderr, and returns the events sealed and
// validated, or an error if any is invalid.
func parseBody(stderr io.Writer, parse feed.Parser, body []byte, location, format string, now time.Time) ([]event.Event, error) {
	obs, err := parse(body, now)
	if err != nil {
		return nil, fmt.Errorf("%s is not valid %s: %w", location, format, err)
	}
	for _, w := range obs.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	var errs []error
	for _, ev := range obs.Events {
		event.Seal(ev, now)
		if err := ev.Validate(now); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", ev.SchemaName(), ev.Key(), err))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s has %d invalid observations: %w", location, len(errs), errors.Join(errs...))
	}
	return obs.Events, nil
}

func newFeedParseCmd() *cobra.Command {
	var f parseFlags
	cmd := &cobra.Command{
		Use:   "parse --format F [--param k=v] FILE|URL|-",
		Short: "Print the events a source body yields, one JSON line each",
		Long: `Parse one body exactly as the ingest loop would and print its events as
JSON lines (warnings go to stderr). Exits non-zero, saying why, when the body
is not of the format or an observation is invalid.

  carrywatch feed parse --format mof-jgb jgbcm.csv
  carrywatch feed parse --format statuspage-incidents --param venue=kraken https://status.kraken.com/api/v2/incidents.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			events, err := parseSource(cmd.Context(), cmd.InOrStdin(), cmd.ErrOrStderr(), f, args[0], time.Now())
			if err != nil {
				return err
			}
			for _, ev := range events {
				data, err := event.Marshal(ev)
				if err != nil {
					return err
				}
				if _, err := fmt.Fprintf(cmd.OutOrStdout(), "%s\n", data); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func newFeedBackfillCmd() *cobra.Command {
	var (
		f           parseFlags
		fromHistory bool
		intoReplay  bool
	)
	cmd := &cobra.Command{
		Use:   "backfill (--format F [--param k=v] FILE|URL|- | --history [SERIES...])",
		Short: "Parse a source body, or the embedded history, and publish its events to CW_EVENTS",
		Long: `Load a file's history straight into the pipeline: parse and validate every
observation (nothing is sent if any is invalid), then publish each with
Nats-Msg-Id = its id, so a repeated backfill stores nothing twice.

With --history, the source is the 1999-2023 daily history built into the
binary (pkg/history): every market and JGB series, or the SERIES named
(` + strings.Join(historyNames(), ", ") + `), no file needed.

  carrywatch feed backfill --format mof-jgb jgbcm_all.csv
  carrywatch feed backfill --history
  carrywatch feed backfill --history usdjpy vix`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case fromHistory && (f.format != "" || len(f.params) > 0):
				return errors.New("--history reads the embedded files: give series names, not --format or --param")
			case fromHistory:
				return nil
			case f.format == "":
				return errors.New(`required flag(s) "format" not set (or use --history)`)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var (
				events   []event.Event
				bySeries map[string]int
				err      error
			)
			// Progress on stderr when it is a terminal; stdout keeps the
			// one report line.
			prog := progress.For(cmd.ErrOrStderr())
			defer prog.Clear()
			stderr := prog.Above(cmd.ErrOrStderr())
			if fromHistory {
				events, bySeries, err = historyEvents(stderr, args, time.Now(), prog)
			} else {
				prog.Step("parsing %s (%s)", args[0], f.format)
				events, err = parseSource(cmd.Context(), cmd.InOrStdin(), stderr, f, args[0], time.Now())
			}
			if err != nil {
				return err
			}
			prog.Step("connecting to NATS to publish %d events", len(events))
			nc, js, err := connectNATS(intoReplay)
			if err != nil {
				return err
			}
			defer nc.Close()
			p := &scenario.Player{JS: js, Speed: 0, Log: zerolog.Nop(), Progress: func(n int) {
				prog.Update("published %d of %d events (%d%%)", n, len(events), percent(n, len(events)))
			}}
			prog.Step("publishing %d events", len(events))
			res, err := p.Play(cmd.Context(), &scenario.Scenario{Events: events})
			if err != nil {
				return err
			}
			prog.Clear()
			out := backfillReport{Parsed: len(events), Published: res.Published, Duplicates: res.Duplicates, Series: bySeries}
			data, err := json.Marshal(out)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", data)
			return err
		},
	}
	f.registerOptional(cmd)
	intoReplayFlag(cmd, &intoReplay)
	cmd.Flags().BoolVar(&fromHistory, "history", false, "publish the embedded 1999-2023 history: every series, or the SERIES given as arguments")
	return cmd
}

// percent is done of total in whole percent, 100 for an empty total.
func percent(done, total int) int {
	if total == 0 {
		return 100
	}
	return done * 100 / total
}

// backfillReport is the line `feed backfill` prints.
type backfillReport struct {
	Parsed     int `json:"parsed"`
	Published  int `json:"published"`
	Duplicates int `json:"duplicates"`
	// Series counts the events of each history series (--history only).
	Series map[string]int `json:"series,omitempty"`
}

// historyNames lists the embedded series that are events.
func historyNames() []string {
	var names []string
	for _, s := range history.Events() {
		names = append(names, s.Name)
	}
	return names
}

// historyEvents parses the embedded history series called names (every
// event series if none) with their formats, and returns their sealed,
// validated events in observation-time order and the count of each. A name
// that is not an event series is an error, before anything is parsed.
// prog shows which series is being parsed.
func historyEvents(stderr io.Writer, names []string, now time.Time, prog *progress.Writer) ([]event.Event, map[string]int, error) {
	series := history.Events()
	if len(names) > 0 {
		series = nil
		for _, name := range names {
			s, err := history.Lookup(name)
			if err != nil {
				return nil, nil, err
			}
			if !s.IsEvent() {
				return nil, nil, fmt.Errorf("history series %q is a calibration input, not events (event series: %s)", name, strings.Join(historyNames(), ", "))
			}
			if !slices.ContainsFunc(series, func(o history.Series) bool { return o.Name == name }) {
				series = append(series, s)
			}
		}
	}
	var events []event.Event
	bySeries := make(map[string]int, len(series))
	for i, s := range series {
		prog.Step("parsing history %s (%d of %d series)", s.Name, i+1, len(series))
		parse, err := newParser(s.Format(), s.Params())
		if err != nil {
			return nil, nil, fmt.Errorf("history %s: %w", s.Name, err)
		}
		body, err := s.Bytes()
		if err != nil {
			return nil, nil, err
		}
		evs, err := parseBody(stderr, parse, body, "history "+s.Name, s.Format(), now)
		if err != nil {
			return nil, nil, err
		}
		bySeries[s.Name] = len(evs)
		events = append(events, evs...)
	}
	slices.SortStableFunc(events, func(a, b event.Event) int {
		return a.Header().ObservedAt.Compare(b.Header().ObservedAt)
	})
	return events, bySeries, nil
}
