package fedodds

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Polymarket bodies in testdata are constructed in the Gamma API shape
// (outcomes, outcomePrices, clobTokenIds as JSON-encoded strings), with
// values around what news reported for 27 Nov 2025: 84 % for a 25 bp
// December cut, no change 12–16 %.
func TestPolymarket(t *testing.T) {
	runParseCases(t, Polymarket, SourcePolymarket, []parseCase{
		{
			// YES: 50+ decrease 0.0065, 25 decrease 0.84, no change 0.155,
			// 25+ increase 0.0045; sum 1.006, normalized.
			name: "event with markets", file: "polymarket_event_dec2025.json",
			wantMeetings: []string{"2025-12-10"},
			want:         []map[int]float64{{-50: 0.0065 / 1.006, -25: 0.84 / 1.006, 0: 0.155 / 1.006, 25: 0.0045 / 1.006}},
		},
		{
			// outcomes ["No", "Yes"] on the 25 bp market, so YES is the
			// second price (0.67); a plain-array market; a market whose
			// question names no month, placed by its endDate; a non-Fed
			// market skipped. 0.67 + 0.24 + 0.08 + 0.01 = 1.
			name: "array of markets", file: "polymarket_markets_jan2026.json", params: map[string]string{"source": "polymarket-gamma"},
			wantMeetings: []string{"2026-01-28"},
			want:         []map[int]float64{{-50: 0.08, -25: 0.67, 0: 0.24, 25: 0.01}},
			wantWarnings: []string{`polymarket: skipped "US recession in 2025?": not a Fed-decision bucket (no change / N bps decrease / N bps increase)`},
			wantSource:   "polymarket-gamma",
		},
	})
}

func TestPolymarketArrayOfEvents(t *testing.T) {
	body := append(append([]byte("["), feedtest.Testdata(t, "polymarket_event_dec2025.json")...), ']')
	obs, err := feedtest.NewParser(t, Polymarket, nil)(body, testNow)
	require.NoError(t, err)
	events := fedOdds(t, obs, testNow)
	require.Len(t, events, 1)
	assert.Equal(t, "2025-12-10", events[0].Meeting)
}

func TestPolymarketBadBodies(t *testing.T) {
	runBadBodies(t, Polymarket, []badBodyCase{
		{name: "empty", body: " ", wantMsg: "polymarket: empty body"},
		{name: "html", body: "<html>rate limited</html>", wantMsg: `polymarket: body is not JSON (starts with "<")`},
		{name: "truncated", body: `{"question": "Fed decreases`, wantMsg: "polymarket: body is not a JSON object"},
		{name: "array of numbers", body: `[1, 2]`, wantMsg: "element 0 is not a JSON object"},
		{name: "not a fed market", body: string(feedtest.Testdata(t, "polymarket_market_single.json")), wantMsg: `no usable Fed-decision market among 1: "US recession in 2025?": not a Fed-decision bucket`},
		{name: "lone bucket", body: `{"question": "Fed decreases interest rates by 25 bps after December 2025 meeting?", "outcomes": "[\"Yes\", \"No\"]", "outcomePrices": "[\"0.84\", \"0.16\"]"}`, wantMsg: "meeting 2025-12-10: only the -25 bp bucket"},
		{name: "prices not JSON", body: `{"question": "No change in Fed interest rates after December 2025 meeting?", "outcomePrices": "0.84,0.16"}`, wantMsg: "outcomePrices: not an array"},
		{name: "price out of range", body: `{"question": "No change in Fed interest rates after December 2025 meeting?", "outcomePrices": "[\"1.2\", \"0\"]"}`, wantMsg: `YES price "1.2" is not a probability in [0, 1]`},
		{name: "no meeting found", body: `{"question": "No change in Fed interest rates after the next meeting?", "outcomePrices": "[\"0.5\", \"0.5\"]"}`, wantMsg: "names no month and year and has no endDate"},
		{name: "month without meeting", body: `{"question": "No change in Fed interest rates after November 2025 meeting?", "outcomePrices": "[\"0.5\", \"0.5\"]"}`, wantMsg: "no shipped FOMC meeting for 2025-11"},
		{name: "meeting already held", body: `[{"question": "No change in Fed interest rates after October 2025 meeting?", "outcomePrices": "[\"0\", \"1\"]"}, {"question": "Fed decreases interest rates by 25 bps after October 2025 meeting?", "outcomePrices": "[\"1\", \"0\"]"}]`, wantMsg: "meeting 2025-10-29 was held before 2025-11-27"},
		{name: "markets not an array", body: `{"title": "Fed decision in December?", "markets": "none"}`, wantMsg: "event 0: markets is not an array"},
	})
}

func TestPMChange(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		want   int
		wantOK bool
	}{
		{name: "label cut", text: "25 bps decrease", want: -25, wantOK: true},
		{name: "label open cut", text: "50+ bps decrease", want: -50, wantOK: true},
		{name: "label hike", text: "25+ bps increase", want: 25, wantOK: true},
		{name: "label hold", text: "No change", want: 0, wantOK: true},
		{name: "question cut", text: "Fed decreases interest rates by 25 bps after December 2025 meeting?", want: -25, wantOK: true},
		{name: "question hike", text: "Fed increases interest rates by 25+ bps after December 2025 meeting?", want: 25, wantOK: true},
		{name: "question hold", text: "No change in Fed interest rates after December 2025 meeting?", want: 0, wantOK: true},
		{name: "basis points spelled out", text: "Will the Fed cut by 50 basis points in March 2026?", want: -50, wantOK: true},
		{name: "both directions", text: "Fed hikes or cuts by 25 bps?", wantOK: false},
		{name: "no amount", text: "Will the Fed cut rates in 2025?", wantOK: false},
		{name: "not a step", text: "Fed cuts by 10 bps?", wantOK: false},
		{name: "unrelated", text: "US recession in 2025?", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := pmChange(tt.text)
			assert.Equal(t, tt.wantOK, ok)
			if tt.wantOK {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}
