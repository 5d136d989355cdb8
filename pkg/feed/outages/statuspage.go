package outages

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// DefaultStatuspageSource is the source of Statuspage events when
// Statuspage.Source is empty.
const DefaultStatuspageSource = "statuspage"

// Statuspage parses the Atlassian Statuspage v2 bodies of one venue's page.
// Its parse methods are pure feed.Parser functions; see the package
// documentation for how incidents become events.
type Statuspage struct {
	// Venue is the venue the page reports on, e.g. "coinbase": 1-64 of
	// [a-z0-9_-]. Required.
	Venue string
	// Source is the events' source; empty means DefaultStatuspageSource.
	Source string
}

// checkVenueSource returns an error wrapping feed.ErrBadParam if venue or
// source would not validate on an event.
func checkVenueSource(venue, source string) error {
	if !event.ValidVenue(venue) {
		return fmt.Errorf("%w: venue %q must be 1-64 of lowercase [a-z0-9_-]", feed.ErrBadParam, venue)
	}
	if err := feed.CheckSource(source); err != nil {
		return fmt.Errorf("%w: %w", feed.ErrBadParam, err)
	}
	return nil
}

func (p Statuspage) source() string {
	if p.Source == "" {
		return DefaultStatuspageSource
	}
	return p.Source
}

// ParseIncidents reads an incidents.json body and returns, unsealed, one
// event per step of every incident (open, update, resolve). An incident
// that cannot be read (no id, a time that is not RFC 3339 with an offset,
// a step that would not validate) is skipped with a warning; if every
// incident is skipped, or the body is not a JSON object with an incidents
// array, the error wraps feed.ErrBadBody. An invalid Venue or Source
// returns an error wrapping feed.ErrBadParam.
func (p Statuspage) ParseIncidents(body []byte, now time.Time) (feed.Observations, error) {
	return p.parse("statuspage incidents", body, now, false)
}

// ParseSummary reads a summary.json body and returns, unsealed, the open
// step and the latest step of every incident it lists (those are the
// unresolved ones), plus a warning per non-operational component that no
// incident names. Errors are as for ParseIncidents.
func (p Statuspage) ParseSummary(body []byte, now time.Time) (feed.Observations, error) {
	return p.parse("statuspage summary", body, now, true)
}

// spBody is the part of a Statuspage v2 body this package reads.
type spBody struct {
	Incidents  *[]spIncident `json:"incidents"`
	Components []spComponent `json:"components"`
}

type spIncident struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Impact    string `json:"impact"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	StartedAt string `json:"started_at"`
	// ScheduledFor is when a scheduled maintenance is planned to start.
	ScheduledFor string        `json:"scheduled_for"`
	ResolvedAt   string        `json:"resolved_at"`
	Updates      []spUpdate    `json:"incident_updates"`
	Components   []spComponent `json:"components"`
}

type spUpdate struct {
	Status             string       `json:"status"`
	CreatedAt          string       `json:"created_at"`
	DisplayAt          string       `json:"display_at"`
	AffectedComponents []spAffected `json:"affected_components"`
}

type spAffected struct {
	Name      string `json:"name"`
	NewStatus string `json:"new_status"`
}

type spComponent struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

func (p Statuspage) parse(what string, body []byte, now time.Time, summary bool) (feed.Observations, error) {
	var obs feed.Observations
	if err := checkVenueSource(p.Venue, p.source()); err != nil {
		return obs, fmt.Errorf("%s: %w", what, err)
	}
	var b spBody
	if err := decodeObject(what, body, &b); err != nil {
		return obs, err
	}
	if b.Incidents == nil {
		endpoint := "incidents.json"
		if summary {
			endpoint = "summary.json"
		}
		return obs, badBody(what, "no incidents array (is this a Statuspage v2 %s body?)", endpoint)
	}
	incidents := *b.Incidents
	seen := make(map[string]bool, len(incidents))
	skipped := 0
	var firstSkip string
	for i, inc := range incidents {
		if inc.ID != "" {
			if seen[inc.ID] {
				skipped++
				obs.Warnings = append(obs.Warnings, fmt.Sprintf("incident %d (%q) skipped: listed twice; kept the first", i, inc.ID))
				continue
			}
			seen[inc.ID] = true
		}
		evs, warn, err := p.incident(inc, now, summary)
		if err != nil {
			skipped++
			reason := fmt.Sprintf("incident %d (%q) skipped: %v", i, inc.ID, err)
			if firstSkip == "" {
				firstSkip = reason
			}
			obs.Warnings = append(obs.Warnings, reason)
			continue
		}
		if warn != "" {
			obs.Warnings = append(obs.Warnings, fmt.Sprintf("incident %q: %s", inc.ID, warn))
		}
		for _, e := range evs {
			obs.Events = append(obs.Events, e)
		}
	}
	if skipped > 0 && skipped == len(incidents) {
		return feed.Observations{}, badBody(what, "no incident could be read; %s", firstSkip)
	}
	if summary {
		if w := uncovered(b.Components, incidents); w != "" {
			obs.Warnings = append(obs.Warnings, w)
		}
	}
	return obs, nil
}

// step is one incident update, placed in the incident's life.
type step struct {
	status string
	at     time.Time
	index  int // position in incident_updates, which lists newest first
	comps  []spAffected
}

// isFinal reports whether an update status always ends an incident.
// postmortem is not among them: walk lets it end an incident only when
// nothing resolved it before.
func isFinal(status string) bool { return status == "resolved" || status == "completed" }

// incident turns one incident into events. It returns an error if the
// incident cannot be read, and a warning if steps were left for later.
func (p Statuspage) incident(inc spIncident, now time.Time, summary bool) ([]*event.VenueStatus, string, error) {
	if inc.ID == "" {
		return nil, "", errors.New("no id")
	}
	steps, err := incidentSteps(inc)
	if err != nil {
		return nil, "", err
	}
	// A maintenance announced for later is not an outage yet.
	steps = slices.DeleteFunc(steps, func(s step) bool { return s.status == "scheduled" })
	var warn string
	cutoff := now.Add(event.MaxClockSkew)
	if i := slices.IndexFunc(steps, func(s step) bool { return s.at.After(cutoff) }); i >= 0 {
		warn = fmt.Sprintf("%d update(s) from %s on are later than now (%s); left for a later poll",
			len(steps)-i, steps[i].at.Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339))
		steps = steps[:i]
	}

	var started time.Time
	for _, f := range []struct{ name, v string }{{"started_at", inc.StartedAt}, {"scheduled_for", inc.ScheduledFor}, {"created_at", inc.CreatedAt}} {
		if f.v == "" {
			continue
		}
		if started, err = parseTime(f.name, f.v); err != nil {
			return nil, "", err
		}
		break
	}
	var resolvedAt time.Time
	if inc.ResolvedAt != "" {
		if resolvedAt, err = parseTime("resolved_at", inc.ResolvedAt); err != nil {
			return nil, "", err
		}
	}

	if warn != "" {
		resolvedAt = time.Time{} // it dates a step this poll does not see
	}
	if !inRange(resolvedAt, now) {
		resolvedAt = time.Time{}
	}
	evs := p.walk(inc, steps, started, resolvedAt)
	if summary && len(evs) > 2 {
		evs = []*event.VenueStatus{evs[0], evs[len(evs)-1]}
	}
	if err := checkEvents(evs, now); err != nil {
		return nil, "", err
	}
	return evs, warn, nil
}

// incidentSteps returns the incident's updates as steps, oldest first, or
// one or two synthetic steps for an incident with no updates.
func incidentSteps(inc spIncident) ([]step, error) {
	if len(inc.Updates) == 0 {
		if inc.CreatedAt == "" {
			return nil, fmt.Errorf("no incident_updates and no created_at")
		}
		created, err := parseTime("created_at", inc.CreatedAt)
		if err != nil {
			return nil, err
		}
		if !isFinal(inc.Status) && inc.Status != "postmortem" {
			return []step{{status: inc.Status, at: created}}, nil
		}
		end := created
		for _, f := range []struct{ name, v string }{{"resolved_at", inc.ResolvedAt}, {"updated_at", inc.UpdatedAt}} {
			if f.v != "" {
				if end, err = parseTime(f.name, f.v); err != nil {
					return nil, err
				}
				break
			}
		}
		if end.Before(created) {
			end = created
		}
		return []step{{at: created, index: 1}, {status: inc.Status, at: end, index: 0}}, nil
	}
	steps := make([]step, 0, len(inc.Updates))
	for i, u := range inc.Updates {
		field, v := "created_at", u.CreatedAt
		if v == "" {
			field, v = "display_at", u.DisplayAt
		}
		if v == "" {
			return nil, fmt.Errorf("update %d has neither created_at nor display_at", i)
		}
		at, err := parseTime("update "+field, v)
		if err != nil {
			return nil, err
		}
		steps = append(steps, step{status: u.Status, at: at, index: i, comps: u.AffectedComponents})
	}
	sort.SliceStable(steps, func(i, j int) bool {
		if !steps[i].at.Equal(steps[j].at) {
			return steps[i].at.Before(steps[j].at)
		}
		return steps[i].index > steps[j].index
	})
	return steps, nil
}

// walk applies the lifecycle rules of the package documentation to steps,
// oldest first.
func (p Statuspage) walk(inc spIncident, steps []step, started, resolvedAt time.Time) []*event.VenueStatus {
	if len(steps) == 0 {
		return nil
	}
	if started.IsZero() || steps[0].at.Before(started) {
		started = steps[0].at
	}
	base := impactSeverity(inc.Impact)
	comps := map[string]string{} // component name → latest status
	names := map[string]bool{}
	for _, c := range inc.Components {
		if c.Name != "" {
			names[c.Name] = true
		}
	}

	var evs []*event.VenueStatus
	byKey := map[string]int{} // action + observed ms → index in evs
	emit := func(action string, s step, severity string) {
		e := &event.VenueStatus{
			Meta:       event.Meta{Source: p.source(), ObservedAt: s.at},
			Venue:      p.Venue,
			IncidentID: inc.ID,
			Action:     action,
			Severity:   severity,
			Status:     s.status,
			Title:      inc.Name,
			Components: sortedKeys(names),
			StartedAt:  started,
		}
		if action == event.ActionResolve {
			at := s.at
			e.ResolvedAt = &at
		}
		key := action + "@" + s.at.String()
		if i, ok := byKey[key]; ok {
			evs[i] = e
			return
		}
		byKey[key] = len(evs)
		evs = append(evs, e)
	}

	opened, resolved := false, false
	peak := event.SeverityNone
	for _, s := range steps {
		for _, c := range s.comps {
			if c.Name == "" {
				continue
			}
			names[c.Name] = true
			comps[c.Name] = c.NewStatus
		}
		severity := base
		for _, st := range comps {
			severity = worse(severity, componentSeverity(st))
		}
		switch {
		case isFinal(s.status) || s.status == "postmortem" && !resolved:
			if resolved {
				continue
			}
			if !opened {
				emit(event.ActionOpen, s, severity)
				opened, peak = true, severity
			}
			peak = worse(peak, severity)
			emit(event.ActionResolve, s, peak)
			resolved = true
		case s.status == "postmortem":
			continue
		case !opened || resolved:
			emit(event.ActionOpen, s, severity)
			opened, resolved, peak = true, false, severity
		default:
			emit(event.ActionUpdate, s, severity)
			peak = worse(peak, severity)
		}
	}
	// The incident's own resolved_at dates its final resolution, the one no
	// later step undid.
	if resolved && (isFinal(inc.Status) || inc.Status == "postmortem") &&
		!resolvedAt.IsZero() && !resolvedAt.Before(started) {
		last := evs[len(evs)-1]
		if last.Action == event.ActionResolve {
			at := resolvedAt
			last.ResolvedAt = &at
		}
	}
	return evs
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// uncovered returns a warning naming the page components that are down
// (not operational, not under maintenance) while no listed incident names
// them, or "" if there are none.
func uncovered(components []spComponent, incidents []spIncident) string {
	named := map[string]bool{}
	for _, inc := range incidents {
		for _, c := range inc.Components {
			named[c.Name] = true
		}
		for _, u := range inc.Updates {
			for _, c := range u.AffectedComponents {
				named[c.Name] = true
			}
		}
	}
	var down []string
	for _, c := range components {
		switch c.Status {
		case "", "operational", "under_maintenance":
			continue
		}
		if !named[c.Name] {
			down = append(down, fmt.Sprintf("%q is %s", c.Name, c.Status))
		}
	}
	if len(down) == 0 {
		return ""
	}
	return "components down with no incident, not emitted: " + strings.Join(down, ", ")
}
