package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

type outageFlags struct {
	venue, id, severity, title, status, at, source string
	components                                     []string
	intoReplay                                     bool
}

func newOutageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "outage",
		Short: "Declare an outage or halt on a venue without a status feed (e.g. CME)",
		Long: `Declare venue outages by hand: the CME Globex halt of 28 Nov 2025 was
announced, not published by any status API.

  carrywatch outage open --venue cme --severity halt --title "Globex halted: cooling failure" --at 2025-11-28T02:40:00Z
  carrywatch outage update --venue cme --status monitoring --title "EBS reopened" --at 2025-11-28T12:00:00Z
  carrywatch outage resolve --venue cme --at 2025-11-28T13:30:00Z

update and resolve apply to the venue's latest open incident unless --id says
which. Each event is validated before it is sent.`,
	}
	for _, action := range []string{event.ActionOpen, event.ActionUpdate, event.ActionResolve} {
		cmd.AddCommand(newOutageActionCmd(action))
	}
	return cmd
}

func newOutageActionCmd(action string) *cobra.Command {
	var f outageFlags
	cmd := &cobra.Command{
		Use:   action,
		Short: map[string]string{event.ActionOpen: "Open an incident", event.ActionUpdate: "Update an open incident", event.ActionResolve: "Resolve an open incident"}[action],
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			nc, js, err := connectNATS(f.intoReplay)
			if err != nil {
				return err
			}
			defer nc.Close()
			ev, err := outageEvent(cmd.Context(), js, action, f, time.Now())
			if err != nil {
				return err
			}
			ack, err := natsfx.PublishEvent(cmd.Context(), js, ev)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s %s incident=%s severity=%s seq=%d duplicate=%t\n",
				ev.Subject(), action, ev.IncidentID, ev.Severity, ack.Sequence, ack.Duplicate)
			return err
		},
	}
	fl := cmd.Flags()
	intoReplayFlag(cmd, &f.intoReplay)
	fl.StringVar(&f.venue, "venue", "", "venue, e.g. cme (lower-cased)")
	fl.StringVar(&f.id, "id", "", "incident id (open: default <venue>-<time>; update/resolve: default the venue's latest open incident)")
	fl.StringVar(&f.at, "at", "", "when (RFC 3339); default now")
	fl.StringVar(&f.title, "title", "", "headline")
	fl.StringVar(&f.status, "status", "", "free-form status word (default investigating / updated / resolved)")
	fl.StringVar(&f.source, "source", "manual", "source recorded on the event")
	fl.StringSliceVar(&f.components, "components", nil, "affected systems, comma-separated (e.g. Globex,EBS)")
	if action == event.ActionOpen {
		fl.StringVar(&f.severity, "severity", "", "one of "+strings.Join(event.Severities, ", "))
		_ = cmd.MarkFlagRequired("severity")
	} else {
		fl.StringVar(&f.severity, "severity", "", "new severity (default: unchanged)")
	}
	_ = cmd.MarkFlagRequired("venue")
	return cmd
}

// outageEvent builds and validates the event an outage subcommand sends.
func outageEvent(ctx context.Context, js jetstream.JetStream, action string, f outageFlags, now time.Time) (*event.VenueStatus, error) {
	at := now
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return nil, fmt.Errorf("--at: %w", err)
		}
		at = t
	}
	// Seal cuts observed_at to the wire's milliseconds; started_at and
	// resolved_at are the same instant and must not end up after it.
	at = event.Millis(at)
	venue := strings.ToLower(f.venue)
	ev := &event.VenueStatus{
		Meta:       event.Meta{Source: f.source, ObservedAt: at},
		Venue:      venue,
		IncidentID: f.id,
		Action:     action,
		Severity:   f.severity,
		Status:     f.status,
		Title:      f.title,
		Components: f.components,
	}
	if action == event.ActionOpen {
		ev.StartedAt = at
		if ev.IncidentID == "" {
			ev.IncidentID = venue + "-" + at.UTC().Format("20060102T1504Z")
		}
		if ev.Status == "" {
			ev.Status = "investigating"
		}
	} else {
		open, err := openIncident(ctx, js, venue, f.id)
		if err != nil {
			return nil, err
		}
		ev.IncidentID, ev.StartedAt = open.IncidentID, open.StartedAt
		if ev.Severity == "" {
			ev.Severity = open.Severity
		}
		if ev.Title == "" {
			ev.Title = open.Title
		}
		if len(ev.Components) == 0 {
			ev.Components = open.Components
		}
		if ev.Status == "" {
			ev.Status = map[string]string{event.ActionUpdate: "updated", event.ActionResolve: "resolved"}[action]
		}
		if action == event.ActionResolve {
			ev.ResolvedAt = &at
		}
	}
	event.Seal(ev, now)
	if err := ev.Validate(now); err != nil {
		return nil, fmt.Errorf("%s not sent: %w", action, err)
	}
	return ev, nil
}

// errNoOpenIncident means the venue has no incident to update or resolve.
var errNoOpenIncident = errors.New("no open incident")

// openIncident returns the venue's latest event from CW_EVENTS if it is an
// open or updated incident (and, with id, that incident).
func openIncident(ctx context.Context, js jetstream.JetStream, venue, id string) (*event.VenueStatus, error) {
	s, err := js.Stream(ctx, natsfx.StreamEvents)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", natsfx.StreamEvents, err)
	}
	msg, err := s.GetLastMsgForSubject(ctx, event.SubjectVenueStatus(venue))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, fmt.Errorf("venue %s: %w (open one with `carrywatch outage open`)", venue, errNoOpenIncident)
	}
	if err != nil {
		return nil, fmt.Errorf("read venue %s status: %w", venue, err)
	}
	ev, err := event.Parse(msg.Data, time.Now())
	if err != nil {
		return nil, fmt.Errorf("read venue %s status: %w", venue, err)
	}
	last := ev.(*event.VenueStatus)
	switch {
	case last.Action == event.ActionResolve:
		return nil, fmt.Errorf("venue %s: %w: its latest incident %s was resolved", venue, errNoOpenIncident, last.IncidentID)
	case id != "" && id != last.IncidentID:
		return nil, fmt.Errorf("venue %s: incident %s is not its latest open incident (%s)", venue, id, last.IncidentID)
	}
	return last, nil
}
