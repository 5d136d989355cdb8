package fedodds

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/fedodds.csv holds FedWatch values reported in the news for the
// seed episode (the public-source sample `episode-2025-11/fed_odds.csv`): 39.1 % on
// 20 Nov, 70.9 % on 21 Nov (11:53 EST), and the Jan 2026 meeting on 22 Nov
// (hold 19.2, −25 57.1, −50 23.7).
func TestFedOddsCSV(t *testing.T) {
	now := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	runParseCases(t, CSV, SourceCSV, []parseCase{
		{
			name: "fraction", file: "fedodds.csv", now: now,
			wantMeetings: []string{"2025-12-10", "2025-12-10", "2026-01-28"},
			want:         []map[int]float64{{-25: 0.391, 0: 0.609}, {-25: 0.709, 0: 0.291}, {-50: 0.237, -25: 0.571, 0: 0.192}},
			wantAt: []time.Time{
				time.Date(2025, 11, 20, 21, 0, 0, 0, time.UTC),
				time.Date(2025, 11, 21, 16, 53, 0, 0, time.UTC),
				time.Date(2025, 11, 22, 21, 0, 0, 0, time.UTC),
			},
		},
		{
			name: "percent column", file: "fedodds_pct.csv", params: map[string]string{"source": "cme-fedwatch"}, now: now, wantSource: "cme-fedwatch",
			wantMeetings: []string{"2025-12-10"},
			want:         []map[int]float64{{-25: 0.849, 0: 0.151}},
			wantAt:       []time.Time{time.Date(2025, 11, 27, 21, 0, 0, 0, time.UTC)},
		},
	})
}

func TestFedOddsCSVUnscheduledMeetingWarns(t *testing.T) {
	now := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	obs, err := feedtest.NewParser(t, CSV, nil)([]byte("observed_at,meeting,change_bp,probability\n2025-11-20,2025-12-11,-25,1\n"), now)
	require.NoError(t, err)
	require.Len(t, fedOdds(t, obs, now), 1)
	assert.Equal(t, []string{"fedodds-csv line 2: 2025-12-11 is not a scheduled FOMC meeting in the shipped calendar"}, obs.Warnings)
}

func TestFedOddsCSVBadBodies(t *testing.T) {
	now := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	const h = "observed_at,meeting,change_bp,probability\n"
	tests := []struct {
		name    string
		body    string
		wantMsg string
	}{
		{name: "empty", body: "", wantMsg: "fedodds-csv: empty body"},
		{name: "json", body: `{"as_of": "2025-11-21"}`, wantMsg: "fedodds-csv: body is JSON or HTML, not CSV (starts with '{')"},
		{name: "wrong header", body: "date,contract,price\n2025-11-21,ZQZ5,96.1\n", wantMsg: "header must name observed_at, meeting, change_bp and probability (or probability_pct) columns"},
		{name: "header only", body: h, wantMsg: "CSV has a header but no rows"},
		// Found by FuzzFedOddsCSV (same csv.Reader.FieldPos panic as zq-futures).
		{name: "unterminated quote", body: h + "202\"000", wantMsg: `fedodds-csv: parse error on line 2, column 4: bare " in non-quoted-field`},
		{name: "short row", body: h + "2025-11-20,2025-12-10,-25\n", wantMsg: "line 2: 3 fields, want at least 4"},
		{name: "bad observed_at", body: h + "20/11/2025,2025-12-10,-25,1\n", wantMsg: "line 2: observed_at:"},
		{name: "future observed_at", body: h + "2025-12-01,2025-12-10,-25,1\n", wantMsg: "line 2: observed_at: date 2025-12-01 is after today"},
		{name: "before 1970", body: h + "1969-12-01,1970-02-07,-25,1\n", wantMsg: "is before 1970-01-01"},
		{name: "bad meeting", body: h + "2025-11-20,Dec 2025,-25,1\n", wantMsg: `line 2: meeting "Dec 2025" is not YYYY-MM-DD`},
		{name: "fractional change", body: h + "2025-11-20,2025-12-10,-12.5,1\n", wantMsg: `line 2: change_bp "-12.5" is not an integer in [-500, 500]`},
		{name: "change out of range", body: h + "2025-11-20,2025-12-10,-525,1\n", wantMsg: `change_bp "-525"`},
		{name: "percent in fraction column", body: h + "2025-11-20,2025-12-10,-25,70.9\n", wantMsg: `line 2: probability "70.9" is not in [0, 1]`},
		{name: "NaN", body: h + "2025-11-20,2025-12-10,-25,NaN\n", wantMsg: `probability "NaN"`},
		{name: "duplicate change", body: h + "2025-11-20,2025-12-10,-25,0.5\n2025-11-20,2025-12-10,-25,0.5\n", wantMsg: "line 3: change_bp -25 for 2025-12-10 at 2025-11-20T21:00:00Z already given on line 2"},
		{name: "does not sum to 1", body: h + "2025-11-20,2025-12-10,-25,0.84\n2025-11-20,2025-12-10,0,0.18\n", wantMsg: "lines [2 3]: probabilities for 2025-12-10 at 2025-11-20T21:00:00Z sum to 1.0200"},
		{name: "all zero", body: h + "2025-11-20,2025-12-10,-25,0\n", wantMsg: "sum to 0.0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := feedtest.NewParser(t, CSV, nil)([]byte(tt.body), now)
			feedtest.CheckBadBody(t, obs, err, tt.wantMsg)
		})
	}
}
