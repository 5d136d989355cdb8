package fedodds

import (
	"cmp"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// testNow is the fixed clock of the 2025 tests: the day after the
// Thanksgiving odds (27 Nov 2025) of the seed episode.
var testNow = time.Date(2025, 11, 27, 15, 0, 0, 0, time.UTC)

// fedOdds checks that every event is an unsealed *event.FedOdds that
// seals, validates at now and survives the wire, and returns the sealed
// copies (see feedtest.Sealed).
func fedOdds(t testing.TB, obs feed.Observations, now time.Time) []*event.FedOdds {
	t.Helper()
	return feedtest.Sealed[event.FedOdds](t, obs, now)
}

// assertOutcomes checks outcomes against want (change_bp → probability)
// within delta, and that no other change appears.
func assertOutcomes(t testing.TB, want map[int]float64, got []event.Outcome, delta float64) {
	t.Helper()
	gotMap := map[int]float64{}
	for _, o := range got {
		gotMap[o.ChangeBP] = o.Probability
	}
	require.Len(t, gotMap, len(want), "outcomes %v", got)
	for c, p := range want {
		require.Contains(t, gotMap, c, "outcomes %v", got)
		assert.InDelta(t, p, gotMap[c], delta, "change %+d bp", c)
	}
	for i := 1; i < len(got); i++ {
		assert.Less(t, got[i-1].ChangeBP, got[i].ChangeBP, "outcomes sorted by change")
	}
}

// parseCase is a testdata/ body and the FedOdds a format reads from it.
type parseCase struct {
	name         string
	file         string
	params       map[string]string
	now          time.Time // the fetch time; testNow where zero
	wantMeetings []string
	want         []map[int]float64
	wantAt       []time.Time // each event's ObservedAt; the fetch time where nil
	wantWarnings []string
	wantSource   string // the format's default source where empty
}

// runParseCases parses each case's body at its fetch time and checks the
// events and warnings.
func runParseCases(t *testing.T, newFn func(map[string]string) (feed.Parser, error), defaultSource string, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := cmp.Or(tt.now, testNow)
			obs, err := feedtest.NewParser(t, newFn, tt.params)(feedtest.Testdata(t, tt.file), now)
			require.NoError(t, err)
			assert.Equal(t, tt.wantWarnings, obs.Warnings)
			wantSource := cmp.Or(tt.wantSource, defaultSource)
			events := fedOdds(t, obs, now)
			require.Len(t, events, len(tt.wantMeetings))
			for i, e := range events {
				assert.Equal(t, tt.wantMeetings[i], e.Meeting)
				assert.Equal(t, wantSource, e.Source)
				wantAt := now
				if tt.wantAt != nil {
					wantAt = tt.wantAt[i]
				}
				assert.Equal(t, wantAt, e.ObservedAt)
				assertOutcomes(t, tt.want[i], e.Outcomes, 1e-12)
			}
		})
	}
}

// badBodyCase is a body a format refuses with feed.ErrBadBody.
type badBodyCase struct {
	name    string
	body    string
	now     time.Time // testNow where zero
	wantMsg string
}

// runBadBodies checks that the format's parser, with no params, refuses
// each body with feed.ErrBadBody and an error containing wantMsg.
func runBadBodies(t *testing.T, newFn func(map[string]string) (feed.Parser, error), tests []badBodyCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := cmp.Or(tt.now, testNow)
			obs, err := feedtest.NewParser(t, newFn, nil)([]byte(tt.body), now)
			feedtest.CheckBadBody(t, obs, err, tt.wantMsg)
		})
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}
