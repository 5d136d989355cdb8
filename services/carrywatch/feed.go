package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
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
	cmd.Flags().StringVar(&f.format, "format", "", "source format (see `carrywatch feed formats`)")
	cmd.Flags().StringArrayVar(&f.params, "param", nil, "format parameter key=value (e.g. venue=kraken, asset=BTC)")
	_ = cmd.MarkFlagRequired("format")
}

// parseSource reads location (a file, an http(s) URL, or - for stdin) and
// returns its sealed, validated events. Any invalid observation fails the
// whole parse: nothing half-checked is printed or sent.
func parseSource(ctx context.Context, stdin io.Reader, stderr io.Writer, f parseFlags, location string, now time.Time) ([]event.Event, error) {
	format, err := feed.Lookup(formats.All(), f.format)
	if err != nil {
		return nil, err
	}
	params := map[string]string{}
	for _, kv := range f.params {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: want key=value", kv)
		}
		params[k] = v
	}
	parse, err := format.New(params)
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
	obs, err := parse(body, now)
	if err != nil {
		return nil, fmt.Errorf("%s is not valid %s: %w", location, f.format, err)
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
	var f parseFlags
	cmd := &cobra.Command{
		Use:   "backfill --format F [--param k=v] FILE|URL|-",
		Short: "Parse a source body and publish its events to CW_EVENTS",
		Long: `Load a file's history straight into the pipeline: parse and validate every
observation (nothing is sent if any is invalid), then publish each with
Nats-Msg-Id = its id, so a repeated backfill stores nothing twice.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			events, err := parseSource(cmd.Context(), cmd.InOrStdin(), cmd.ErrOrStderr(), f, args[0], time.Now())
			if err != nil {
				return err
			}
			nc, js, err := clientConnect()
			if err != nil {
				return err
			}
			defer nc.Close()
			p := &scenario.Player{JS: js, Speed: 0, Log: zerolog.Nop()}
			res, err := p.Play(cmd.Context(), &scenario.Scenario{Events: events})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "{\"parsed\":%d,\"published\":%d,\"duplicates\":%d}\n", len(events), res.Published, res.Duplicates)
			return err
		},
	}
	f.register(cmd)
	return cmd
}
