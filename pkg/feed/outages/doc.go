// Package outages turns venue status sources into [event.VenueStatus]
// events: Atlassian Statuspage v2 incidents.json and summary.json, Kraken's
// public SystemStatus and Binance's sapi system/status. [Formats] lists them
// for `carrywatch feed parse` and the ingest loop.
//
// # Statuspage incidents
//
// [Statuspage.ParseIncidents] walks each incident's incident_updates oldest
// first (Statuspage lists them newest first; equal times keep the listed
// order, so the update listed first counts as the later one). Each update
// becomes at most one step:
//
//   - the first update opens the incident (action open);
//   - later updates that are not final are action update;
//   - the first update with status resolved or completed (a finished
//     maintenance) resolves it (action resolve); a postmortem that follows
//     a resolve is ignored, a postmortem with no resolve before it resolves;
//   - an update that is not final after a resolve reopens the incident
//     (action open again, same incident id, a new observed_at and so a new
//     event id);
//   - updates with status scheduled (maintenance announced for later) are
//     not outages and are skipped;
//   - an update whose time lies beyond now + [event.MaxClockSkew] is left
//     for a later poll (a warning says so), and so is everything after it;
//   - two steps with the same action at the same millisecond keep the later
//     one (their event ids would collide).
//
// A resolved update that is the incident's first opens and resolves it at
// the same instant. An incident with no updates opens at its created_at
// (status left empty) and, if its status is final, resolves at its
// resolved_at (else updated_at, else created_at).
//
// Times: an update's time is its created_at (immutable) or, if absent, its
// display_at (which an operator may backdate). Every time is converted to
// UTC and truncated to the millisecond; a timestamp without a UTC offset is
// rejected. ObservedAt is the update's time. StartedAt is the incident's
// started_at, else its scheduled_for (a maintenance), else its created_at,
// or the first step's time if that is earlier, so started_at ≤ observed_at
// always holds. The final resolve's ResolvedAt is the incident's
// resolved_at when present, not before StartedAt and not after now +
// event.MaxClockSkew; otherwise, and for a resolve that a reopen later
// undid, it is the resolving update's time. Every time an event carries
// lies between 1970 (event.MinObservedAt, the floor for observed_at) and now +
// event.MaxClockSkew; an incident that would break that is skipped.
//
// Other fields: IncidentID is the Statuspage incident id, Title its name,
// Status the update's status, Components the sorted union of the component
// names in the affected_components of this and earlier updates and in the
// incident's components list.
//
// Because an event's id covers source, venue, incident id, action and
// observed_at, and every one of those comes from the body alone, polling
// the same body twice yields identical events and a body with one more
// update yields exactly one new event id. Fields outside the id (severity,
// title, components) follow the body as polled: if the page edits an
// incident's impact later, an old step keeps its id and JetStream's
// duplicate window keeps the first version.
//
// # Statuspage summary
//
// [Statuspage.ParseSummary] reads summary.json, whose incidents[] holds the
// unresolved incidents with their updates. It walks each incident as above
// and emits only its first step (the open, from the earliest update
// present, or created_at when there is none) and its latest step, so a
// summary poll and an incidents poll of the same page agree on event ids.
// Scheduled maintenances are not emitted. A component that is not
// operational (nor under_maintenance) and is named by no listed incident
// yields a warning, not an event: a stateless parser could open such an
// outage but would never know when to close it.
//
// # Severity
//
// A Statuspage step's severity is the worst of its incident's impact and
// the statuses its components have reached so far (each update's
// affected_components new_status, carried forward until a later update
// changes it):
//
//	impact critical → major      component major_outage          → major
//	impact major    → partial    component partial_outage        → partial
//	impact minor    → degraded   component degraded_performance  → degraded
//	impact maintenance → maintenance  component under_maintenance → maintenance
//	impact none, absent or unknown → none;  operational or unknown → none
//
// A resolve carries the worst severity the incident reached since it
// (re)opened: the severity of what ended, which the reopen hazard needs.
//
// # Kraken and Binance
//
// These endpoints report a state, not incidents. [ParseKraken] and
// [ParseBinance] are pure and return a [State]; a [Tracker] turns
// successive states of one venue into events. Kraken online and Binance
// status 0 (normal) are normal; Kraken maintenance and Binance status 1
// (system_maintenance) map to severity maintenance; Kraken cancel_only and
// post_only (no order matching) map to halt. Entering a state that is not normal opens an
// incident whose id is "<venue>-<status>-<unix ms of entry>"; leaving it
// resolves that id; moving from one abnormal state to another resolves the
// first and opens the second at the same instant; an unchanged state, and a
// first poll in the normal state, yield nothing. A state older than the
// latest one seen, or changing it at the same millisecond, is ignored with a
// warning. The observation time is
// Kraken's result.timestamp when present, else the fetch time (Binance
// bodies carry none). The "kraken-status" and "binance-status" parsers own
// a Tracker and so, unlike every other feed.Parser, remember earlier calls;
// a restart forgets an open incident (the next abnormal poll opens a new
// one, and the old one is never resolved).
package outages
