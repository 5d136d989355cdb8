package outages_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/outages"
)

func TestParseIncidentsEmma(t *testing.T) {
	obs, err := outages.Statuspage{Venue: "emma"}.ParseIncidents(feedtest.Testdata(t, "statuspage/emma_incidents.json"), now)
	require.NoError(t, err)
	assert.Empty(t, obs.Warnings)

	title := "Intermittent navigation/sending trouble for some users"
	started := ts(t, "2019-02-20T18:00:19.418Z") // created_at 12:00:19.418-06:00
	want := sealAs([]*event.VenueStatus{
		{
			Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2019-02-20T18:00:19.418Z")},
			Venue: "emma", IncidentID: "x0ljvc9m1wxj", Action: event.ActionOpen, Severity: event.SeverityNone,
			Status: "identified", Title: title, StartedAt: started,
		},
		{
			Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2019-02-20T19:11:24.478Z")},
			Venue: "emma", IncidentID: "x0ljvc9m1wxj", Action: event.ActionUpdate, Severity: event.SeverityNone,
			Status: "monitoring", Title: title, StartedAt: started,
		},
		{
			Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2019-02-20T19:40:58.572Z")},
			Venue: "emma", IncidentID: "x0ljvc9m1wxj", Action: event.ActionResolve, Severity: event.SeverityNone,
			Status: "resolved", Title: title, StartedAt: started, ResolvedAt: ptr(ts(t, "2019-02-20T19:40:58.572Z")),
		},
	})
	assert.Equal(t, want, sealed(t, obs))
}

// TestIncidentsLifecycle polls an incident as it moves investigating →
// identified → resolved, the first body twice, and keeps what a consumer
// that de-duplicates by event id (JetStream's Nats-Msg-Id) would keep.
func TestIncidentsLifecycle(t *testing.T) {
	parse, err := lookup(t, outages.FormatStatuspageIncidents).New(map[string]string{"venue": "examplex"})
	require.NoError(t, err)

	polls := []struct {
		file    string
		wantNew []string // actions of the events not seen before
	}{
		{"statuspage/lifecycle_1_investigating.json", []string{event.ActionOpen}},
		{"statuspage/lifecycle_1_investigating.json", nil},
		{"statuspage/lifecycle_2_identified.json", []string{event.ActionUpdate}},
		{"statuspage/lifecycle_3_resolved.json", []string{event.ActionResolve}},
	}
	seen := map[string]bool{}
	var kept []*event.VenueStatus
	var pollIDs [][]string
	for i, p := range polls {
		obs, err := parse(feedtest.Testdata(t, p.file), now)
		require.NoError(t, err, "poll %d", i)
		assert.Empty(t, obs.Warnings)
		evs := sealed(t, obs)
		pollIDs = append(pollIDs, ids(evs))
		var gotNew []string
		for _, e := range evs {
			if !seen[e.ID] {
				seen[e.ID] = true
				kept = append(kept, e)
				gotNew = append(gotNew, e.Action)
			}
		}
		assert.Equal(t, p.wantNew, gotNew, "poll %d (%s)", i, p.file)
	}
	assert.Equal(t, pollIDs[0], pollIDs[1], "identical bodies give identical ids")
	assert.Equal(t, pollIDs[0], pollIDs[2][:1], "a later body keeps the earlier ids")
	assert.Equal(t, pollIDs[2], pollIDs[3][:2], "a later body keeps the earlier ids")

	title := "Delayed order placement on spot markets"
	started := ts(t, "2025-12-03T14:05:00Z") // started_at 09:05:00.000-05:00
	comps := []string{"Spot Trading API"}
	want := sealAs([]*event.VenueStatus{
		{
			Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2025-12-03T14:14:07.250Z")},
			Venue: "examplex", IncidentID: "synthinc0001", Action: event.ActionOpen,
			Severity: event.SeverityPartial, // impact minor (degraded), Spot Trading API partial_outage
			Status:   "investigating", Title: title, Components: comps, StartedAt: started,
		},
		{
			Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2025-12-03T14:41:33.901Z")},
			Venue: "examplex", IncidentID: "synthinc0001", Action: event.ActionUpdate,
			Severity: event.SeverityPartial, // the component status carries forward
			Status:   "identified", Title: title, Components: comps, StartedAt: started,
		},
		{
			Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2025-12-03T15:27:45.118Z")},
			Venue: "examplex", IncidentID: "synthinc0001", Action: event.ActionResolve,
			Severity: event.SeverityPartial, // the worst the incident reached
			Status:   "resolved", Title: title, Components: comps, StartedAt: started,
			ResolvedAt: ptr(ts(t, "2025-12-03T15:27:45.118Z")),
		},
	})
	assert.Equal(t, want, kept)
}

func TestParseSummary(t *testing.T) {
	tests := []struct {
		name         string
		file         string
		want         []*event.VenueStatus
		wantWarnings []string
	}{
		{
			name: "one unresolved incident",
			file: "statuspage/summary_unresolved.json",
			want: []*event.VenueStatus{
				{
					Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2025-12-10T15:37:42.615Z")},
					Venue: "examplez", IncidentID: "synthinc0101", Action: event.ActionOpen,
					Severity: event.SeverityMajor, // Spot Trading major_outage
					Status:   "investigating", Title: "Spot order books not updating",
					Components: []string{"Spot Trading"}, StartedAt: ts(t, "2025-12-10T15:37:42.615Z"),
				},
				{
					Meta:  event.Meta{Source: "statuspage", ObservedAt: ts(t, "2025-12-10T16:22:10.004Z")},
					Venue: "examplez", IncidentID: "synthinc0101", Action: event.ActionUpdate,
					Severity: event.SeverityPartial, // major_outage → partial_outage
					Status:   "monitoring", Title: "Spot order books not updating",
					Components: []string{"Spot Trading"}, StartedAt: ts(t, "2025-12-10T15:37:42.615Z"),
				},
			},
			wantWarnings: []string{`components down with no incident, not emitted: "Deposits" is degraded_performance`},
		},
		{
			name: "all operational",
			file: "statuspage/summary_operational.json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := outages.Statuspage{Venue: "examplez"}.ParseSummary(feedtest.Testdata(t, tt.file), now)
			require.NoError(t, err)
			assert.Equal(t, sealAs(tt.want), sealed(t, obs))
			assert.Equal(t, tt.wantWarnings, obs.Warnings)
		})
	}
}

// TestSummaryAgreesWithIncidents checks that a summary poll and an
// incidents poll of the same incident give the same event ids.
func TestSummaryAgreesWithIncidents(t *testing.T) {
	page := outages.Statuspage{Venue: "examplez"}
	body := feedtest.Testdata(t, "statuspage/summary_unresolved.json")
	sum, err := page.ParseSummary(body, now)
	require.NoError(t, err)
	inc, err := page.ParseIncidents(body, now)
	require.NoError(t, err)
	all := ids(sealed(t, inc))
	require.Len(t, all, 3)
	assert.Equal(t, []string{all[0], all[2]}, ids(sealed(t, sum)))
}

func TestUTCConversion(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Emma's page, -06:00", "2019-02-20T12:00:19.418-06:00", "2019-02-20T18:00:19.418Z"},
		{"across midnight and a year", "2024-12-31T22:15:00.5-05:00", "2025-01-01T03:15:00.5Z"},
		{"half-hour offset", "2025-03-01T01:10:00.123+05:30", "2025-02-28T19:40:00.123Z"},
		{"quarter-hour offset", "2025-07-01T00:00:00+05:45", "2025-06-30T18:15:00Z"},
		{"Tokyo on 5 Aug 2024", "2024-08-05T09:00:00+09:00", "2024-08-05T00:00:00Z"},
		{"New York summer time", "2025-11-01T20:59:59.999-04:00", "2025-11-02T00:59:59.999Z"},
		{"+14:00", "2025-01-01T13:59:00+14:00", "2024-12-31T23:59:00Z"},
		{"-12:00", "2025-01-01T12:00:00-12:00", "2025-01-02T00:00:00Z"},
		{"Z", "2025-12-31T23:59:59.999Z", "2025-12-31T23:59:59.999Z"},
		{"+00:00", "2025-05-05T05:05:05.005+00:00", "2025-05-05T05:05:05.005Z"},
		{"nanoseconds truncate, not round", "2025-06-01T12:00:00.999999999+02:00", "2025-06-01T10:00:00.999Z"},
		{"no fraction", "2025-06-01T12:00:00+02:00", "2025-06-01T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := incidentsBody(tIncident{
				ID: "utc", Name: "t", Status: "investigating", CreatedAt: tt.in,
				Updates: []tUpdate{{Status: "investigating", CreatedAt: tt.in}},
			})
			obs, err := outages.Statuspage{Venue: "v"}.ParseIncidents(body, now)
			require.NoError(t, err)
			evs := sealed(t, obs)
			require.Len(t, evs, 1)
			want := feedtest.UTC(t, tt.want)
			assert.Equal(t, want, evs[0].ObservedAt)
			assert.Equal(t, want, evs[0].StartedAt)
			assert.Equal(t, time.UTC, evs[0].ObservedAt.Location())
			assert.Equal(t, time.UTC, evs[0].StartedAt.Location())
		})
	}
}

// tIncident and friends write Statuspage bodies for table tests.
type tIncident struct {
	ID           string       `json:"id,omitempty"`
	Name         string       `json:"name,omitempty"`
	Status       string       `json:"status,omitempty"`
	Impact       string       `json:"impact,omitempty"`
	CreatedAt    string       `json:"created_at,omitempty"`
	UpdatedAt    string       `json:"updated_at,omitempty"`
	StartedAt    string       `json:"started_at,omitempty"`
	ResolvedAt   string       `json:"resolved_at,omitempty"`
	ScheduledFor string       `json:"scheduled_for,omitempty"`
	Updates      []tUpdate    `json:"incident_updates"`
	Components   []tComponent `json:"components,omitempty"`
}

type tUpdate struct {
	Status    string      `json:"status"`
	CreatedAt string      `json:"created_at,omitempty"`
	DisplayAt string      `json:"display_at,omitempty"`
	Affected  []tAffected `json:"affected_components"`
}

type tAffected struct {
	Name      string `json:"name"`
	NewStatus string `json:"new_status"`
}

type tComponent struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

func incidentsBody(incs ...tIncident) []byte {
	if incs == nil {
		incs = []tIncident{}
	}
	b, err := json.Marshal(map[string]any{"incidents": incs})
	if err != nil {
		panic(err)
	}
	return b
}

// describe writes an event as "action status observed_at severity", plus
// " resolved=<time>" for a resolve.
func describe(e *event.VenueStatus) string {
	s := fmt.Sprintf("%s %s %s %s", e.Action, e.Status, e.ObservedAt.Format(time.RFC3339Nano), e.Severity)
	if e.ResolvedAt != nil {
		s += " resolved=" + e.ResolvedAt.Format(time.RFC3339Nano)
	}
	return s
}

func TestIncidentSteps(t *testing.T) {
	const (
		t0 = "2025-12-01T10:00:00Z"
		t1 = "2025-12-01T11:00:00Z"
		t2 = "2025-12-01T12:00:00Z"
		t3 = "2025-12-01T13:00:00Z"
	)
	up := func(status, at string, affected ...tAffected) tUpdate {
		return tUpdate{Status: status, CreatedAt: at, Affected: affected}
	}
	comp := func(name, status string) tAffected { return tAffected{Name: name, NewStatus: status} }
	// newest first, as Statuspage lists them
	rev := func(us ...tUpdate) []tUpdate {
		out := make([]tUpdate, len(us))
		for i, u := range us {
			out[len(us)-1-i] = u
		}
		return out
	}
	tests := []struct {
		name           string
		incidents      []tIncident
		want           []string
		wantStarted    string   // if set, every event's started_at
		wantComponents []string // if set, the last event's components
		wantWarnings   []string // substrings, one per warning
	}{
		{
			name: "reopened incident resolves twice; only the final resolve takes resolved_at",
			incidents: []tIncident{{ID: "a", Status: "resolved", CreatedAt: t0, ResolvedAt: "2025-12-01T13:00:00.5Z",
				Updates: rev(up("investigating", t0), up("resolved", t1), up("investigating", t2), up("resolved", t3))}},
			want: []string{
				"open investigating 2025-12-01T10:00:00Z none",
				"resolve resolved 2025-12-01T11:00:00Z none resolved=2025-12-01T11:00:00Z",
				"open investigating 2025-12-01T12:00:00Z none",
				"resolve resolved 2025-12-01T13:00:00Z none resolved=2025-12-01T13:00:00.5Z",
			},
		},
		{
			name: "postmortem after resolve is ignored",
			incidents: []tIncident{{ID: "a", Status: "postmortem", CreatedAt: t0,
				Updates: rev(up("investigating", t0), up("resolved", t1), up("postmortem", t2))}},
			want: []string{
				"open investigating 2025-12-01T10:00:00Z none",
				"resolve resolved 2025-12-01T11:00:00Z none resolved=2025-12-01T11:00:00Z",
			},
		},
		{
			name: "postmortem with no resolve before it resolves",
			incidents: []tIncident{{ID: "a", Status: "postmortem", CreatedAt: t0,
				Updates: rev(up("identified", t0), up("postmortem", t1))}},
			want: []string{
				"open identified 2025-12-01T10:00:00Z none",
				"resolve postmortem 2025-12-01T11:00:00Z none resolved=2025-12-01T11:00:00Z",
			},
		},
		{
			name: "a second resolved update is ignored",
			incidents: []tIncident{{ID: "a", Status: "resolved", CreatedAt: t0,
				Updates: rev(up("investigating", t0), up("resolved", t1), up("resolved", t2))}},
			want: []string{
				"open investigating 2025-12-01T10:00:00Z none",
				"resolve resolved 2025-12-01T11:00:00Z none resolved=2025-12-01T11:00:00Z",
			},
		},
		{
			name: "an incident posted already resolved opens and resolves at once",
			incidents: []tIncident{{ID: "a", Status: "resolved", Impact: "major", CreatedAt: t1,
				StartedAt: t0, ResolvedAt: t1, Updates: []tUpdate{up("resolved", t1)}}},
			want: []string{
				"open resolved 2025-12-01T11:00:00Z partial",
				"resolve resolved 2025-12-01T11:00:00Z partial resolved=2025-12-01T11:00:00Z",
			},
			wantStarted: t0,
		},
		{
			name:      "no updates, unresolved: open at created_at",
			incidents: []tIncident{{ID: "a", Status: "investigating", CreatedAt: t0}},
			want:      []string{"open investigating 2025-12-01T10:00:00Z none"},
		},
		{
			name:      "no updates, resolved: open at created_at, resolve at resolved_at",
			incidents: []tIncident{{ID: "a", Status: "resolved", CreatedAt: t0, ResolvedAt: t2}},
			want: []string{
				"open  2025-12-01T10:00:00Z none",
				"resolve resolved 2025-12-01T12:00:00Z none resolved=2025-12-01T12:00:00Z",
			},
		},
		{
			name: "maintenance: scheduled skipped, in_progress opens, completed resolves",
			incidents: []tIncident{{ID: "m", Status: "completed", Impact: "maintenance", CreatedAt: "2025-11-20T09:00:00Z",
				ScheduledFor: t1, ResolvedAt: t3,
				Updates: rev(up("scheduled", "2025-11-20T09:00:00Z"), up("in_progress", t1, comp("Spot", "under_maintenance")),
					up("verifying", t2), up("completed", t3, comp("Spot", "operational")))}},
			want: []string{
				"open in_progress 2025-12-01T11:00:00Z maintenance",
				"update verifying 2025-12-01T12:00:00Z maintenance",
				"resolve completed 2025-12-01T13:00:00Z maintenance resolved=2025-12-01T13:00:00Z",
			},
			wantStarted: t1,
		},
		{
			name: "only scheduled: nothing yet",
			incidents: []tIncident{{ID: "m", Status: "scheduled", Impact: "maintenance", CreatedAt: t0, ScheduledFor: "2025-12-24T00:00:00Z",
				Updates: []tUpdate{up("scheduled", t0)}}},
		},
		{
			name: "updates at the same millisecond: listed order breaks the tie, the newest update wins",
			incidents: []tIncident{{ID: "a", Status: "monitoring", CreatedAt: t0,
				Updates: []tUpdate{up("monitoring", t0), up("identified", t0), up("investigating", t0)}}},
			want: []string{
				"open investigating 2025-12-01T10:00:00Z none",
				"update monitoring 2025-12-01T10:00:00Z none",
			},
		},
		{
			name: "updates listed oldest first are still walked in time order",
			incidents: []tIncident{{ID: "a", Status: "resolved", CreatedAt: t0,
				Updates: []tUpdate{up("investigating", t0), up("identified", t1), up("resolved", t2)}}},
			want: []string{
				"open investigating 2025-12-01T10:00:00Z none",
				"update identified 2025-12-01T11:00:00Z none",
				"resolve resolved 2025-12-01T12:00:00Z none resolved=2025-12-01T12:00:00Z",
			},
		},
		{
			name: "display_at when created_at is absent",
			incidents: []tIncident{{ID: "a", Status: "investigating", CreatedAt: t0,
				Updates: []tUpdate{{Status: "investigating", DisplayAt: "2025-12-01T04:00:00.25-06:00"}}}},
			want: []string{"open investigating 2025-12-01T10:00:00.25Z none"},
		},
		{
			name: "an update beyond now + clock skew waits for a later poll",
			incidents: []tIncident{{ID: "a", Status: "monitoring", CreatedAt: "2025-12-31T23:00:00Z",
				Updates: rev(up("investigating", "2025-12-31T23:00:00Z"), up("identified", "2026-01-01T00:05:00Z"),
					up("monitoring", "2026-01-01T00:05:00.001Z"))}},
			want: []string{
				"open investigating 2025-12-31T23:00:00Z none",
				"update identified 2026-01-01T00:05:00Z none",
			},
			wantWarnings: []string{`incident "a": 1 update(s) from 2026-01-01T00:05:00.001Z on are later than now`},
		},
		{
			name: "a resolve beyond the clock skew leaves resolved_at for later too",
			incidents: []tIncident{{ID: "a", Status: "resolved", CreatedAt: "2025-12-31T23:00:00Z", ResolvedAt: "2026-01-01T01:00:00Z",
				Updates: rev(up("investigating", "2025-12-31T23:00:00Z"), up("resolved", "2026-01-01T01:00:00Z"))}},
			want:         []string{"open investigating 2025-12-31T23:00:00Z none"},
			wantWarnings: []string{"left for a later poll"},
		},
		{
			name: "severity: impact critical is major",
			incidents: []tIncident{{ID: "a", Status: "investigating", Impact: "critical", CreatedAt: t0,
				Updates: []tUpdate{up("investigating", t0)}}},
			want: []string{"open investigating 2025-12-01T10:00:00Z major"},
		},
		{
			name: "severity: impact major is partial (Statuspage's Partial System Outage)",
			incidents: []tIncident{{ID: "a", Status: "investigating", Impact: "major", CreatedAt: t0,
				Updates: []tUpdate{up("investigating", t0)}}},
			want: []string{"open investigating 2025-12-01T10:00:00Z partial"},
		},
		{
			name: "severity: impact minor is degraded",
			incidents: []tIncident{{ID: "a", Status: "investigating", Impact: "minor", CreatedAt: t0,
				Updates: []tUpdate{up("investigating", t0)}}},
			want: []string{"open investigating 2025-12-01T10:00:00Z degraded"},
		},
		{
			name: "severity: unknown impact is none",
			incidents: []tIncident{{ID: "a", Status: "investigating", Impact: "catastrophic", CreatedAt: t0,
				Updates: []tUpdate{up("investigating", t0)}}},
			want: []string{"open investigating 2025-12-01T10:00:00Z none"},
		},
		{
			name: "severity: worst component, carried forward, peak on resolve",
			incidents: []tIncident{{ID: "a", Status: "resolved", Impact: "none", CreatedAt: t0,
				Updates: rev(
					up("investigating", t0, comp("API", "degraded_performance")),
					up("identified", t1, comp("Web", "major_outage")),
					up("monitoring", t2, comp("Web", "operational"), comp("API", "operational")),
					up("resolved", t3),
				)}},
			want: []string{
				"open investigating 2025-12-01T10:00:00Z degraded",
				"update identified 2025-12-01T11:00:00Z major",
				"update monitoring 2025-12-01T12:00:00Z none",
				"resolve resolved 2025-12-01T13:00:00Z major resolved=2025-12-01T13:00:00Z",
			},
			wantComponents: []string{"API", "Web"},
		},
		{
			name: "severity: partial_outage beats impact minor",
			incidents: []tIncident{{ID: "a", Status: "investigating", Impact: "minor", CreatedAt: t0,
				Updates: []tUpdate{up("investigating", t0, comp("API", "partial_outage"))}}},
			want: []string{"open investigating 2025-12-01T10:00:00Z partial"},
		},
		{
			name: "components: affected and incident components, sorted",
			incidents: []tIncident{{ID: "a", Status: "investigating", CreatedAt: t0,
				Components: []tComponent{{Name: "Websocket", Status: "operational"}},
				Updates:    []tUpdate{up("investigating", t0, comp("API", "operational"))}}},
			want:           []string{"open investigating 2025-12-01T10:00:00Z none"},
			wantComponents: []string{"API", "Websocket"},
		},
		{
			name: "started_at after the first update: started at the first update",
			incidents: []tIncident{{ID: "a", Status: "investigating", CreatedAt: t0, StartedAt: t2,
				Updates: rev(up("investigating", t1), up("identified", t3))}},
			want: []string{
				"open investigating 2025-12-01T11:00:00Z none",
				"update identified 2025-12-01T13:00:00Z none",
			},
			wantStarted: t1,
		},
		{
			name: "resolved_at before the start: the resolving update dates the end",
			incidents: []tIncident{{ID: "a", Status: "resolved", CreatedAt: t1, ResolvedAt: t0,
				Updates: rev(up("investigating", t1), up("resolved", t2))}},
			want: []string{
				"open investigating 2025-12-01T11:00:00Z none",
				"resolve resolved 2025-12-01T12:00:00Z none resolved=2025-12-01T12:00:00Z",
			},
		},
		{
			name: "resolved_at beyond now: the resolving update dates the end",
			incidents: []tIncident{{ID: "a", Status: "resolved", CreatedAt: t1, ResolvedAt: "9999-12-31T23:59:59Z",
				Updates: rev(up("investigating", t1), up("resolved", t2))}},
			want: []string{
				"open investigating 2025-12-01T11:00:00Z none",
				"resolve resolved 2025-12-01T12:00:00Z none resolved=2025-12-01T12:00:00Z",
			},
		},
		{
			name: "started_at before 1970: skipped",
			incidents: []tIncident{
				{ID: "ancient", Status: "investigating", CreatedAt: t0, StartedAt: "0005-01-01T00:00:00+01:00", Updates: []tUpdate{up("investigating", t0)}},
				{ID: "good", Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", t0)}},
			},
			want:         []string{"open investigating 2025-12-01T10:00:00Z none"},
			wantWarnings: []string{`incident 0 ("ancient") skipped: ancient open at 2025-12-01T10:00:00Z: started_at 0004-12-31T23:00:00Z is not between 1970 and now`},
		},
		{
			name: "an unreadable incident is skipped, the others kept",
			incidents: []tIncident{
				{ID: "bad", Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", "2025-12-01 10:00")}},
				{ID: "good", Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", t0)}},
			},
			want:         []string{"open investigating 2025-12-01T10:00:00Z none"},
			wantWarnings: []string{`incident 0 ("bad") skipped: update created_at "2025-12-01 10:00" is not an RFC 3339 time with a UTC offset`},
		},
		{
			name: "no offset is not a time",
			incidents: []tIncident{
				{ID: "bad", Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", "2019-02-20T12:00:19.418")}},
				{ID: "good", Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", t0)}},
			},
			want:         []string{"open investigating 2025-12-01T10:00:00Z none"},
			wantWarnings: []string{`"2019-02-20T12:00:19.418" is not an RFC 3339 time with a UTC offset`},
		},
		{
			name: "no id, an id too long, a time before 1970, a listed-twice id: skipped",
			incidents: []tIncident{
				{Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", t0)}},
				{ID: strings.Repeat("x", 129), CreatedAt: t0, Updates: []tUpdate{up("investigating", t0)}},
				{ID: "old", CreatedAt: "1969-12-31T23:59:59Z", Updates: []tUpdate{up("investigating", "1969-12-31T23:59:59Z")}},
				{ID: "good", Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", t0)}},
				{ID: "good", Status: "investigating", CreatedAt: t1, Updates: []tUpdate{up("investigating", t1)}},
			},
			want: []string{"open investigating 2025-12-01T10:00:00Z none"},
			wantWarnings: []string{
				`incident 0 ("") skipped: no id`,
				`incident 1 ("xxxx`,
				`incident 2 ("old") skipped: old open at 1969-12-31T23:59:59Z: observed_at: value out of range`,
				`incident 4 ("good") skipped: listed twice; kept the first`,
			},
		},
		{
			name: "no update time at all",
			incidents: []tIncident{
				{ID: "bad", CreatedAt: t0, Updates: []tUpdate{{Status: "investigating"}}},
				{ID: "good", Status: "investigating", CreatedAt: t0, Updates: []tUpdate{up("investigating", t0)}},
			},
			want:         []string{"open investigating 2025-12-01T10:00:00Z none"},
			wantWarnings: []string{`incident 0 ("bad") skipped: update 0 has neither created_at nor display_at`},
		},
		{
			name: "no incidents",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := outages.Statuspage{Venue: "v"}.ParseIncidents(incidentsBody(tt.incidents...), now)
			require.NoError(t, err)
			evs := sealed(t, obs)
			got := make([]string, 0, len(evs))
			for _, e := range evs {
				got = append(got, describe(e))
			}
			if tt.want == nil {
				tt.want = []string{}
			}
			assert.Equal(t, tt.want, got)
			require.Len(t, obs.Warnings, len(tt.wantWarnings), "%q", obs.Warnings)
			for i, w := range tt.wantWarnings {
				assert.Contains(t, obs.Warnings[i], w)
			}
			if tt.wantStarted != "" {
				for _, e := range evs {
					assert.Equal(t, ts(t, tt.wantStarted), e.StartedAt, describe(e))
				}
			}
			if tt.wantComponents != nil {
				require.NotEmpty(t, evs)
				assert.Equal(t, tt.wantComponents, evs[len(evs)-1].Components)
			}
			assert.Len(t, uniq(ids(evs)), len(evs), "ids are unique within a parse")
		})
	}
}

func uniq(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

func TestStatuspageBadParam(t *testing.T) {
	tests := []struct {
		name string
		page outages.Statuspage
		want string
	}{
		{"no venue", outages.Statuspage{}, `venue "" must be`},
		{"uppercase venue", outages.Statuspage{Venue: "Coinbase"}, `venue "Coinbase" must be`},
		{"bad source", outages.Statuspage{Venue: "coinbase", Source: "Status Page"}, `source "Status Page" must be`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, parse := range []feed.Parser{tt.page.ParseIncidents, tt.page.ParseSummary} {
				_, err := parse(feedtest.Testdata(t, "statuspage/emma_incidents.json"), now)
				require.ErrorIs(t, err, feed.ErrBadParam)
				assert.Contains(t, err.Error(), tt.want)
			}
		})
	}
}
