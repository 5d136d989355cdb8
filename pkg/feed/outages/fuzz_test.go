package outages_test

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/outages"
)

// addSeeds adds every file matching the patterns under testdata/ to the
// seed corpus, which every `go test` runs (with testdata/fuzz/<Name>/).
func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, b := range feedtest.Files(f, patterns...) {
		f.Add(b)
	}
}

// floor is the earliest time an event may carry.
var floor = event.MinObservedAt

// checkObservations asserts the properties every successful parse has:
// only unsealed VenueStatus events, each of which seals, validates at now
// and survives the wire (see sealed), carries times in range at UTC
// milliseconds, and has an id unique within the parse. It returns the
// sealed copies.
func checkObservations(t *testing.T, obs feed.Observations) []*event.VenueStatus {
	t.Helper()
	evs := sealed(t, obs)
	seen := map[string]bool{}
	for _, c := range evs {
		for _, at := range []*time.Time{&c.ObservedAt, &c.StartedAt, c.ResolvedAt} {
			if at != nil {
				require.Falsef(t, at.Before(floor) || at.After(now.Add(event.MaxClockSkew)), "time %s out of range", at)
				require.Equal(t, time.UTC, at.Location())
				require.Equal(t, event.Millis(*at), *at)
			}
		}
		require.Falsef(t, seen[c.ID], "duplicate id %s for %s %s at %s", c.ID, c.IncidentID, c.Action, c.ObservedAt)
		seen[c.ID] = true
	}
	return evs
}

func fuzzStatuspage(f *testing.F, parse func(outages.Statuspage) feed.Parser) {
	addSeeds(f, "statuspage/*.json", "garbage/*")
	page := parse(outages.Statuspage{Venue: "fuzz"})
	f.Fuzz(func(t *testing.T, body []byte) {
		if obs, ok := feedtest.CheckParse(t, page, body, now); ok {
			checkObservations(t, obs)
		}
	})
}

func FuzzIncidents(f *testing.F) {
	fuzzStatuspage(f, func(p outages.Statuspage) feed.Parser { return p.ParseIncidents })
}

func FuzzSummary(f *testing.F) {
	fuzzStatuspage(f, func(p outages.Statuspage) feed.Parser { return p.ParseSummary })
}

// fuzzState checks a state parser: errors wrap feed.ErrBadBody; a state is
// consistent; and a fresh Tracker turns it into valid events or refuses it
// with feed.ErrBadBody.
func fuzzState(f *testing.F, dir string, parse func([]byte) (outages.State, error)) {
	addSeeds(f, dir+"/*.json", "garbage/*")
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := parse(body)
		if err != nil {
			require.ErrorIs(t, err, feed.ErrBadBody)
			require.Equal(t, outages.State{}, s)
			return
		}
		require.NotEmpty(t, s.Status)
		require.Contains(t, event.Severities, s.Severity)
		require.Equal(t, s.Normal, s.Severity == event.SeverityNone)
		require.True(t, s.At.IsZero() || s.At.Equal(event.Millis(s.At)), "At is UTC ms")
		again, err := parse(body)
		require.NoError(t, err)
		require.Equal(t, s, again)

		tr, err := outages.NewTracker("fuzz", "fuzz")
		require.NoError(t, err)
		seen := map[string]bool{}
		normal := outages.State{Status: "fuzz_normal", Normal: true, Severity: event.SeverityNone, At: s.At}
		for _, st := range []outages.State{s, normal, s} {
			obs, err := tr.Observe(st, now)
			if err != nil {
				require.ErrorIs(t, err, feed.ErrBadBody)
				continue
			}
			for _, c := range checkObservations(t, obs) {
				require.Falsef(t, seen[c.ID], "id %s reused across polls", c.ID)
				seen[c.ID] = true
			}
		}
	})
}

func FuzzKraken(f *testing.F) { fuzzState(f, "kraken", outages.ParseKraken) }

func FuzzBinance(f *testing.F) { fuzzState(f, "binance", outages.ParseBinance) }
