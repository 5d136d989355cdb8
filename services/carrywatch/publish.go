package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

type publishFlags struct {
	schema, source, at string
	set                []string
	intoReplay         bool
}

func newPublishCmd() *cobra.Command {
	var f publishFlags
	cmd := &cobra.Command{
		Use:   "publish [JSON | -]",
		Short: "Validate one event and publish it to CW_EVENTS",
		Long: `Publish one event, given as a JSON argument, as JSON lines on stdin ("-"),
or built from flags. The event is sealed (id, schema, ingested_at) and
validated before it is sent; an invalid event is not sent and the command
exits non-zero with the reason.

  carrywatch publish '{"schema":"cw.jgb.yield/v1","source":"manual","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}'
  carrywatch publish --schema cw.jgb.yield/v1 --source manual --at 2025-12-01T06:00:00Z --set tenor=10Y --set yield_pct=1.881`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			docs, err := publishDocs(cmd.InOrStdin(), args, f)
			if err != nil {
				return err
			}
			now := time.Now()
			events := make([]event.Event, 0, len(docs))
			for i, d := range docs {
				ev, err := event.DecodeDraft(d)
				if err == nil {
					event.Seal(ev, now)
					err = ev.Validate(now)
				}
				if err != nil {
					return fmt.Errorf("event %d not sent: %w", i+1, err)
				}
				events = append(events, ev)
			}
			nc, js, err := connectNATS(f.intoReplay)
			if err != nil {
				return err
			}
			defer nc.Close()
			for _, ev := range events {
				ack, err := natsfx.PublishEvent(cmd.Context(), js, ev)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s stream=%s seq=%d duplicate=%t\n", ev.Subject(), ev.Header().ID, ack.Stream, ack.Sequence, ack.Duplicate)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	intoReplayFlag(cmd, &f.intoReplay)
	fl.StringVar(&f.schema, "schema", "", "schema of an event built from flags, e.g. cw.jgb.yield/v1")
	fl.StringVar(&f.source, "source", "manual", "source of an event built from flags")
	fl.StringVar(&f.at, "at", "", "observed_at (RFC 3339) of an event built from flags; default now")
	fl.StringArrayVar(&f.set, "set", nil, "field=value of an event built from flags (value parsed as JSON if it is JSON, else a string)")
	return cmd
}

// publishDocs returns the JSON documents to publish.
func publishDocs(stdin io.Reader, args []string, f publishFlags) ([][]byte, error) {
	switch {
	case f.schema != "" && len(args) > 0:
		return nil, fmt.Errorf("give an event as JSON or with --schema, not both")
	case f.schema != "":
		doc, err := docFromFlags(f)
		if err != nil {
			return nil, err
		}
		return [][]byte{doc}, nil
	case len(args) == 1 && args[0] == "-":
		var docs [][]byte
		s := bufio.NewScanner(stdin)
		s.Buffer(make([]byte, 0, 64*1024), 4<<20)
		for s.Scan() {
			if line := strings.TrimSpace(s.Text()); line != "" {
				docs = append(docs, []byte(line))
			}
		}
		return docs, s.Err()
	case len(args) == 1:
		return [][]byte{[]byte(args[0])}, nil
	}
	return nil, fmt.Errorf("nothing to publish: give a JSON event, - for stdin, or --schema with --set fields")
}

func docFromFlags(f publishFlags) ([]byte, error) {
	at := time.Now().UTC()
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return nil, fmt.Errorf("--at: %w", err)
		}
		at = t
	}
	doc := map[string]any{"schema": f.schema, "source": f.source, "observed_at": at.Format(time.RFC3339Nano)}
	for _, kv := range f.set {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--set %q: want field=value", kv)
		}
		var val any
		if err := json.Unmarshal([]byte(v), &val); err != nil {
			val = v
		}
		doc[k] = val
	}
	return json.Marshal(doc)
}
