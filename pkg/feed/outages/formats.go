package outages

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Format names, as given to `carrywatch feed parse --format`.
const (
	FormatStatuspageSummary   = "statuspage-summary"
	FormatStatuspageIncidents = "statuspage-incidents"
	FormatKrakenStatus        = "kraken-status"
	FormatBinanceStatus       = "binance-status"
)

// Formats returns the outage formats: statuspage-summary,
// statuspage-incidents, kraken-status and binance-status. Each New rejects
// an unknown, missing or invalid parameter with an error wrapping
// feed.ErrBadParam. The kraken-status and binance-status parsers own a
// Tracker, so they remember earlier calls: call New once per polled venue.
func Formats() []feed.Format {
	return []feed.Format{
		{
			Name: FormatStatuspageSummary,
			Doc: "Atlassian Statuspage v2 /api/v2/summary.json: the open and latest step of each unresolved incident, times in UTC. " +
				"Params: venue (required, lowercase [a-z0-9_-]), source (default \"statuspage\").",
			New: statuspageFormat(FormatStatuspageSummary, Statuspage.ParseSummary),
		},
		{
			Name: FormatStatuspageIncidents,
			Doc: "Atlassian Statuspage v2 /api/v2/incidents.json: open, update and resolve events for every incident, times in UTC. " +
				"Params: venue (required, lowercase [a-z0-9_-]), source (default \"statuspage\").",
			New: statuspageFormat(FormatStatuspageIncidents, Statuspage.ParseIncidents),
		},
		{
			Name: FormatKrakenStatus,
			Doc: "Kraken GET /0/public/SystemStatus: opens an incident when the status leaves online, resolves it on return; " +
				"stateful across calls. Params: venue (default \"kraken\"), source (default \"kraken\").",
			New: func(params map[string]string) (feed.Parser, error) {
				return stateParser(FormatKrakenStatus, "kraken", params, ParseKraken)
			},
		},
		{
			Name: FormatBinanceStatus,
			Doc: "Binance GET /sapi/v1/system/status: opens an incident on status 1 (system_maintenance), resolves it on 0; " +
				"stateful across calls, observed at the fetch time. Params: venue (default \"binance\"), source (default \"binance\").",
			New: func(params map[string]string) (feed.Parser, error) {
				return stateParser(FormatBinanceStatus, "binance", params, ParseBinance)
			},
		},
	}
}

// readParams returns venue and source from params, with defaults for the
// absent ones ("" for a venue without a default), or an error wrapping
// feed.ErrBadParam for an unknown key.
func readParams(format string, params map[string]string, venue, source string) (string, string, error) {
	for _, k := range slices.Sorted(maps.Keys(params)) {
		switch k {
		case "venue":
			venue = params[k]
		case "source":
			source = params[k]
		default:
			return "", "", fmt.Errorf("%s: %w: unknown parameter %q (known: venue, source)", format, feed.ErrBadParam, k)
		}
	}
	return venue, source, nil
}

// statuspageFormat returns the New of a Statuspage format: it reads the
// parameters with statuspageParams and returns parse bound to the
// configured Statuspage.
func statuspageFormat(format string, parse func(Statuspage, []byte, time.Time) (feed.Observations, error)) func(map[string]string) (feed.Parser, error) {
	return func(params map[string]string) (feed.Parser, error) {
		p, err := statuspageParams(format, params)
		if err != nil {
			return nil, err
		}
		return func(body []byte, now time.Time) (feed.Observations, error) { return parse(p, body, now) }, nil
	}
}

func statuspageParams(format string, params map[string]string) (Statuspage, error) {
	venue, source, err := readParams(format, params, "", DefaultStatuspageSource)
	if err != nil {
		return Statuspage{}, err
	}
	if _, ok := params["venue"]; !ok {
		return Statuspage{}, fmt.Errorf("%s: %w: parameter venue is required", format, feed.ErrBadParam)
	}
	if err := checkVenueSource(venue, source); err != nil {
		return Statuspage{}, fmt.Errorf("%s: %w", format, err)
	}
	return Statuspage{Venue: venue, Source: source}, nil
}

func stateParser(format, name string, params map[string]string, parse func([]byte) (State, error)) (feed.Parser, error) {
	venue, source, err := readParams(format, params, name, name)
	if err != nil {
		return nil, err
	}
	if err := checkVenueSource(venue, source); err != nil {
		return nil, fmt.Errorf("%s: %w", format, err)
	}
	t, err := NewTracker(venue, source)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", format, err)
	}
	return func(body []byte, now time.Time) (feed.Observations, error) {
		s, err := parse(body)
		if err != nil {
			return feed.Observations{}, err
		}
		return t.Observe(s, now)
	}, nil
}
