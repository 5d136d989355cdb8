package fedodds

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Kalshi bodies in testdata are constructed in the documented Market
// shape, with values chosen around what news reported for 27 Nov 2025
// (Kalshi ~84 % for a December cut, ~16–18 % hold).
func TestKalshi(t *testing.T) {
	runParseCases(t, Kalshi, SourceKalshi, []parseCase{
		{
			// Upper bound 4.00 on 27 Nov 2025. Dec YES prices by strike:
			// 3.25 → 0.99, 3.50 → 0.995, 3.75 → 0.16, 4.00 → 0.01, 4.25 →
			// last 0 so mid(0, 0.01) = 0.005. 0.99 < 0.995 breaks
			// monotonicity; the isotonic fit pools them to 0.9925.
			// Buckets: ≤3.25 → −75: 1 − 0.9925 = 0.0075; (3.25, 3.50] →
			// −50: 0; (3.50, 3.75] → −25: 0.9925 − 0.16 = 0.8325;
			// (3.75, 4.00] → 0: 0.15; (4.00, 4.25] → +25: 0.005; >4.25 →
			// +50: 0.005.
			// Jan (cent fields only): 0.97, 0.75, 0.10 → −75: 0.03,
			// −50: 0.22, −25: 0.65, 0: 0.10.
			name: "markets page", file: "kalshi_kxfed_page.json",
			wantMeetings: []string{"2025-12-10", "2026-01-28"},
			want: []map[int]float64{
				{-75: 0.0075, -25: 0.8325, 0: 0.15, 25: 0.005, 50: 0.005},
				{-75: 0.03, -50: 0.22, -25: 0.65, 0: 0.10},
			},
			wantWarnings: []string{
				"kalshi event KXFED-25DEC: prices not monotone in the strike; used their isotonic fit",
				`kalshi: skipped market "KXCPI-25NOV-T0.3": event "KXCPI-25NOV" is not a KXFED or KXFEDDECISION event`,
			},
		},
		{
			// C26 0.01, C25 0.84, H0 0.18, H25 mid(0, 0.01) = 0.005; they
			// sum to 1.035 and are normalized.
			name: "decision buckets", file: "kalshi_kxfeddecision.json",
			wantMeetings: []string{"2025-12-10"},
			want:         []map[int]float64{{-50: 0.01 / 1.035, -25: 0.84 / 1.035, 0: 0.18 / 1.035, 25: 0.005 / 1.035}},
		},
		{
			name: "single market", file: "kalshi_market.json",
			wantMeetings: []string{"2025-12-10"},
			want:         []map[int]float64{{-25: 0.84, 0: 0.16}},
		},
		{
			// An explicit upper bound of 3.75 (as if the range were
			// 3.50–3.75) measures the same buckets from 3.75 instead.
			name: "target_upper param", file: "kalshi_market.json", params: map[string]string{"target_upper": "3.75"},
			wantMeetings: []string{"2025-12-10"},
			want:         []map[int]float64{{0: 0.84, 25: 0.16}},
		},
	})
}

func TestKalshiBadBodies(t *testing.T) {
	runBadBodies(t, Kalshi, []badBodyCase{
		{name: "empty", body: "", wantMsg: "kalshi: empty body"},
		{name: "html", body: "<!DOCTYPE html><title>Kalshi</title>", wantMsg: `kalshi: body is not JSON (starts with "<")`},
		{name: "truncated", body: `{"markets": [{"ticker": "KXFED-25DEC-T3.75"`, wantMsg: "kalshi: body is not a JSON object: unexpected end of JSON input"},
		{name: "error object", body: `{"error": {"code": "not_found", "message": "market not found"}}`, wantMsg: "JSON object has none of markets, market or ticker"},
		{name: "markets not an array", body: `{"markets": {"ticker": "x"}}`, wantMsg: "markets is not an array"},
		{name: "other series only", body: `{"markets": [{"ticker": "KXCPI-25NOV-T0.3", "event_ticker": "KXCPI-25NOV", "last_price_dollars": "0.41"}]}`, wantMsg: `no usable Fed market among 1: market "KXCPI-25NOV-T0.3": event "KXCPI-25NOV" is not a KXFED or KXFEDDECISION event`},
		{name: "no price", body: `{"market": {"ticker": "KXFED-25DEC-T3.75", "event_ticker": "KXFED-25DEC", "strike_type": "greater", "floor_strike": 3.75}}`, wantMsg: `market "KXFED-25DEC-T3.75": no price`},
		{name: "price out of range", body: `{"market": {"ticker": "KXFED-25DEC-T3.75", "event_ticker": "KXFED-25DEC", "strike_type": "greater", "floor_strike": 3.75, "last_price": 160}}`, wantMsg: "last_price 160 is outside [0, 100]"},
		{name: "price not a number", body: `{"market": {"ticker": "KXFED-25DEC-T3.75", "event_ticker": "KXFED-25DEC", "strike_type": "greater", "floor_strike": 3.75, "last_price_dollars": "n/a"}}`, wantMsg: `market 0: "n/a" is not a finite number`},
		{name: "greater without floor_strike", body: `{"market": {"ticker": "KXFED-25DEC-T3.75", "event_ticker": "KXFED-25DEC", "strike_type": "greater", "last_price_dollars": "0.5"}}`, wantMsg: "strike_type greater without floor_strike"},
		{name: "no strike at all", body: `{"market": {"ticker": "KXFED-25DEC-X", "event_ticker": "KXFED-25DEC", "last_price_dollars": "0.5"}}`, wantMsg: `no strike_type and "X" is not a threshold like T3.75`},
		{name: "unsupported strike type", body: `{"market": {"ticker": "KXFED-25DEC-B3.70", "event_ticker": "KXFED-25DEC", "strike_type": "between", "floor_strike": 3.5, "cap_strike": 3.75, "last_price_dollars": "0.5"}}`, wantMsg: `strike_type "between"`},
		{name: "month without meeting", body: `{"market": {"ticker": "KXFED-25NOV-T3.75", "event_ticker": "KXFED-25NOV", "strike_type": "greater", "floor_strike": 3.75, "last_price_dollars": "0.5"}}`, wantMsg: "event KXFED-25NOV: no FOMC meeting in 2025-11"},
		{name: "year not shipped", body: `{"market": {"ticker": "KXFED-28FEB-T4.50", "event_ticker": "KXFED-28FEB", "strike_type": "greater", "floor_strike": 4.5, "last_price_dollars": "0.5"}}`, wantMsg: "2028-02: date not covered by the shipped FOMC calendar"},
		{name: "meeting already held", body: `{"market": {"ticker": "KXFED-25OCT-T3.75", "event_ticker": "KXFED-25OCT", "strike_type": "greater", "floor_strike": 3.75, "last_price_dollars": "0.99"}}`, wantMsg: "meeting 2025-10-29 was held before 2025-11-27"},
		{name: "lone decision bucket", body: `{"market": {"ticker": "KXFEDDECISION-25DEC-C25", "event_ticker": "KXFEDDECISION-25DEC", "last_price_dollars": "0.84"}}`, wantMsg: "only one bucket"},
		{name: "bad decision suffix", body: `{"markets": [{"ticker": "KXFEDDECISION-25DEC-CUT", "event_ticker": "KXFEDDECISION-25DEC", "last_price_dollars": "0.84"}]}`, wantMsg: `"CUT" is not a decision bucket`},
		{name: "strike too far", body: `{"market": {"ticker": "KXFED-25DEC-T9.00", "event_ticker": "KXFED-25DEC", "strike_type": "greater", "floor_strike": 9, "last_price_dollars": "0.01"}}`, wantMsg: "event KXFED-25DEC: no usable market"},
		{name: "stale history", now: time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC), body: `{"market": {"ticker": "KXFED-26SEP-T3.75", "event_ticker": "KXFED-26SEP", "strike_type": "greater", "floor_strike": 3.75, "last_price_dollars": "0.5"}}`, wantMsg: "target range unknown on that date: history verified through 2026-06-17, the decision of 2026-07-29 is not shipped; pass the target_upper parameter"},
	})
}

// Markets with only a ticker (no event_ticker, strike_type or
// floor_strike) still work: the event and the strike come from the ticker.
func TestKalshiTickerOnly(t *testing.T) {
	body := []byte(`[{"ticker": "KXFED-25DEC-T3.75", "last_price": 16}, {"ticker": "KXFED-25DEC-T4.00", "yes_bid": 0, "yes_ask": 2}, {"ticker": "KXFED-25DEC-T9.00", "last_price": 1}]`)
	obs, err := feedtest.NewParser(t, Kalshi, nil)(body, testNow)
	require.NoError(t, err)
	assert.Equal(t, []string{"kalshi event KXFED-25DEC: ignored KXFED-25DEC-T9.00: strike 9.00 is more than 4.75 from the upper bound 4.00"}, obs.Warnings)
	events := fedOdds(t, obs, testNow)
	require.Len(t, events, 1)
	assertOutcomes(t, map[int]float64{-25: 0.84, 0: 0.15, 25: 0.01}, events[0].Outcomes, 1e-12)
}

func TestKalshiEmptyPage(t *testing.T) {
	obs, err := feedtest.NewParser(t, Kalshi, nil)([]byte(`{"markets": [], "cursor": ""}`), testNow)
	require.NoError(t, err)
	assert.Empty(t, obs.Events)
	assert.Equal(t, []string{"kalshi: body lists no markets"}, obs.Warnings)
}

func TestNonIncreasing(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want []float64
	}{
		{name: "already monotone", in: []float64{0.9, 0.5, 0.1}, want: []float64{0.9, 0.5, 0.1}},
		{name: "one violation", in: []float64{0.98, 0.99, 0.2}, want: []float64{0.985, 0.985, 0.2}},
		{name: "run of violators", in: []float64{0.5, 0.6, 0.7, 0.1}, want: []float64{0.6, 0.6, 0.6, 0.1}},
		{name: "late violation pools back", in: []float64{0.9, 0.4, 0.3, 0.8}, want: []float64{0.9, 0.5, 0.5, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nonIncreasing(tt.in)
			require.Len(t, got, len(tt.want))
			for i := range got {
				assert.InDelta(t, tt.want[i], got[i], 1e-12)
			}
		})
	}
}

func TestDecisionBP(t *testing.T) {
	tests := []struct {
		name   string
		dir    string
		digits string
		want   int
	}{
		{name: "hold", dir: "H", digits: "0", want: 0},
		{name: "cut 25", dir: "C", digits: "25", want: -25},
		{name: "cut more than 25", dir: "C", digits: "26", want: -50},
		{name: "hike 25", dir: "H", digits: "25", want: 25},
		{name: "hike more than 25", dir: "H", digits: "26", want: 50},
		{name: "cut 50", dir: "C", digits: "50", want: -50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, decisionBP(tt.dir, tt.digits))
		})
	}
}
