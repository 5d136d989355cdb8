package fedodds

import (
	"errors"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/fomc"
)

// CME's worked example for the 17 Sep 2015 FOMC meeting (CME "Fed funds
// futures probability tree calculator", as reproduced by third parties):
// FFQ5 (Aug) 99.8675, FFU5 (Sep) 99.805, N = 30, M = 16;
// FFER(start) = 100 − 99.8675 = 0.1325, implied Sep average 0.195,
// FFER(end) = 30/14 · (0.195 − 16/30 · 0.1325) = 0.26643,
// P(hike) = (0.26643 − 0.1325)/0.25 = 53.6 %, P(no hike) = 46.4 %.
func TestMeetingEndRateCMEWorkedExample(t *testing.T) {
	start := 100 - 99.8675
	avg := 100 - 99.805
	end := MeetingEndRate(avg, start, 17, 30)
	assert.InDelta(t, 0.26643, end, 0.000005)
	assertOutcomes(t, map[int]float64{0: 0.464, 25: 0.536}, StepOutcomes(start, end), 0.001)

	// Counting the meeting day at the old rate (M = 17) would not
	// reproduce CME's number; this pins the convention.
	other := (avg - 17.0/30*start) * 30 / 13
	assert.InDelta(t, 0.577, (other-start)/0.25, 0.001)
}

func TestFedWatchCMEWorkedExample(t *testing.T) {
	p := feedtest.NewParser(t, ZQFutures, nil)
	now := time.Date(2015, 9, 1, 0, 0, 0, 0, time.UTC)
	obs, err := p(feedtest.Testdata(t, "zq_cme_sep2015.csv"), now)
	require.NoError(t, err)
	assert.Empty(t, obs.Warnings)
	events := fedOdds(t, obs, now)
	require.Len(t, events, 1)
	e := events[0]
	assert.Equal(t, "2015-09-17", e.Meeting)
	assert.Equal(t, SourceZQ, e.Source)
	assert.Equal(t, time.Date(2015, 8, 31, 21, 0, 0, 0, time.UTC), e.ObservedAt)
	// 53.6 % hike, 46.4 % no change, to 0.1 pp.
	assertOutcomes(t, map[int]float64{0: 0.464, 25: 0.536}, e.Outcomes, 0.001)
}

// The chained case, computed by hand. Observation 21 Nov 2025, range
// 3.75–4.00 %. Prices: ZQX5 96.12, ZQZ5 96.245, ZQF6 96.305, ZQG6 96.37.
//
// Nov 2025 has no meeting, so its average 3.88 anchors the chain.
//
// Dec 2025 (meeting Wed 10 Dec, day 10 of 31: M = 9, N = 31, 22 days at the
// new rate): avg = 100 − 96.245 = 3.755,
// end = (3.755 − 9/31 · 3.88) · 31/22 = (116.405 − 34.92)/22 = 81.485/22
// = 3.7038636…, move = (3.7038636 − 3.88)/0.25 = −3.875/5.5 = −31/44
// = −0.7045 steps: P(−25) = 31/44 = 70.45 %, P(0) = 13/44 = 29.55 %.
//
// Jan 2026 (meeting 28 Jan, 4 days of 31 at the new rate ≤ 7: late), so
// its end rate is Feb 2026's average (no meeting in Feb): 100 − 96.37
// = 3.63; the Jan contract (96.305) is not used. Start = Dec's end.
// move = (3.63 − 3.7038636)/0.25 = −0.2954545 = −13/44 steps:
// P(−25 | any Dec) = 13/44, P(0 | any Dec) = 31/44.
//
// Unconditional after Jan (−25 at Dec with 31/44, then Jan's step):
//
//	−50: 31/44 · 13/44 = 403/1936 = 20.82 %
//	−25: 31/44 · 31/44 + 13/44 · 13/44 = 1130/1936 = 58.37 %
//	  0: 13/44 · 31/44 = 403/1936 = 20.82 %
//
// (Reported FedWatch for 22 Nov 2025, Jan 2026: −50 23.7, −25 57.1,
// hold 19.2: the same shape.)
func TestFedWatchChainedNov2025(t *testing.T) {
	cal, err := fomc.Shipped()
	require.NoError(t, err)
	prices := map[ContractMonth]float64{
		{2025, time.November}: 96.12,
		{2025, time.December}: 96.245,
		{2026, time.January}:  96.305,
		{2026, time.February}: 96.37,
	}
	in := FedWatchInput{
		ObservedOn: day("2025-11-21"),
		Prices:     prices,
		StartRate:  func() (float64, error) { return 0, errors.New("must not be needed: Nov anchors") },
	}
	res, warnings, err := FedWatch(cal, in)
	require.NoError(t, err)
	assert.Empty(t, warnings)
	require.Len(t, res, 2)

	dec, jan := res[0], res[1]
	assert.Equal(t, "2025-12-10", dec.Meeting.String())
	assert.Equal(t, "2025-11", dec.StartFrom)
	assert.InDelta(t, 3.88, dec.Start, 1e-12)
	assert.InDelta(t, 81.485/22, dec.End, 1e-12)
	assert.Equal(t, ContractMonth{2025, time.December}, dec.EndFrom)
	assertOutcomes(t, map[int]float64{-25: 31.0 / 44, 0: 13.0 / 44}, dec.Outcomes, 1e-12)

	assert.Equal(t, "2026-01-28", jan.Meeting.String())
	assert.Equal(t, "meeting 2025-12-10", jan.StartFrom)
	assert.InDelta(t, dec.End, jan.Start, 1e-12)
	assert.InDelta(t, 3.63, jan.End, 1e-12)
	assert.Equal(t, ContractMonth{2026, time.February}, jan.EndFrom, "late meeting uses the next month")
	assertOutcomes(t, map[int]float64{-25: 13.0 / 44, 0: 31.0 / 44}, jan.Step, 1e-12)
	assertOutcomes(t, map[int]float64{-50: 403.0 / 1936, -25: 1130.0 / 1936, 0: 403.0 / 1936}, jan.Outcomes, 1e-12)
}

func TestFedWatchRules(t *testing.T) {
	cal, err := fomc.Shipped()
	require.NoError(t, err)
	rate := func(r float64) func() (float64, error) { return func() (float64, error) { return r, nil } }
	tests := []struct {
		name         string
		observed     string
		prices       map[ContractMonth]float64
		startRate    func() (float64, error)
		wantMeetings []string
		wantStart    float64
		wantFrom     string
		wantLast     map[int]float64
		wantWarning  string
		wantErr      string
	}{
		{
			// Without a Nov price nothing anchors Dec: the start rate is
			// used. effr 3.88 gives the same Dec odds as the Nov anchor.
			name: "start rate when nothing anchors", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.December}: 96.245},
			startRate: rate(3.88), wantMeetings: []string{"2025-12-10"}, wantStart: 3.88, wantFrom: "start rate",
			wantLast: map[int]float64{-25: 31.0 / 44, 0: 13.0 / 44},
		},
		{
			// The 3.875 midpoint instead: end = (116.405 − 9·3.875)/22
			// = 81.53/22, move = (81.53/22 − 3.875)/0.25 = −3.72/5.5.
			name: "midpoint start rate", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.December}: 96.245},
			startRate: rate(3.875), wantMeetings: []string{"2025-12-10"}, wantStart: 3.875, wantFrom: "start rate",
			wantLast: map[int]float64{-25: 3.72 / 5.5, 0: 1 - 3.72/5.5},
		},
		{
			name: "previous meeting-free month anchors", observed: "2025-12-01",
			prices:    map[ContractMonth]float64{{2025, time.November}: 96.12, {2025, time.December}: 96.245},
			startRate: rate(99), wantMeetings: []string{"2025-12-10"}, wantStart: 3.88, wantFrom: "2025-11",
			wantLast: map[int]float64{-25: 31.0 / 44, 0: 13.0 / 44},
		},
		{
			// Jan is late and Feb is not priced: the Jan contract itself,
			// with a warning. end = (a − 27/31·S)·31/4.
			name: "late meeting without next month", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.November}: 96.12, {2025, time.December}: 96.245, {2026, time.January}: 96.305},
			startRate: rate(99), wantMeetings: []string{"2025-12-10", "2026-01-28"},
			wantWarning: "late meeting (day 28 of 31)",
		},
		{
			name: "meeting month and next month unusable", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.November}: 96.12, {2026, time.February}: 96.37},
			startRate: rate(99), wantErr: "no price for 2025-12 and 2026-01 is not a priced meeting-free month",
		},
		{
			// 20 Aug 2024, two weeks after the carry unwind: Aug anchors at
			// 5.33; Sep unpriced, so Oct (no meeting) gives the end rate
			// 4.90: move −0.43/0.25 = −1.72 steps.
			name: "meeting month unpriced uses meeting-free next month", observed: "2024-08-20",
			prices:    map[ContractMonth]float64{{2024, time.August}: 94.67, {2024, time.October}: 95.10},
			startRate: rate(99), wantMeetings: []string{"2024-09-18"}, wantStart: 5.33, wantFrom: "2024-08",
			wantLast:    map[int]float64{-50: 0.72, -25: 0.28},
			wantWarning: "no price for 2024-09; used meeting-free 2024-10",
		},
		{
			// Late Jan meeting, no Jan price: Feb alone prices it.
			// move = (3.38 − 3.625)/0.25 = −0.98.
			name: "late meeting needs only the next month", observed: "2026-01-05",
			prices:    map[ContractMonth]float64{{2026, time.February}: 96.62},
			startRate: rate(3.625), wantMeetings: []string{"2026-01-28"}, wantStart: 3.625, wantFrom: "start rate",
			wantLast: map[int]float64{-25: 0.98, 0: 0.02},
		},
		{
			name: "past meeting this month keeps the start rate", observed: "2025-12-15",
			prices:    map[ContractMonth]float64{{2025, time.November}: 96.12, {2025, time.December}: 96.3, {2026, time.January}: 96.33, {2026, time.February}: 96.37},
			startRate: rate(3.625), wantMeetings: []string{"2026-01-28"}, wantStart: 3.625, wantFrom: "start rate",
		},
		{
			name: "calendar gap stops the chain", observed: "2027-11-02",
			prices:    map[ContractMonth]float64{{2027, time.November}: 99.87, {2027, time.December}: 99.75, {2028, time.January}: 99.6},
			startRate: rate(99), wantMeetings: []string{"2027-12-08"},
			wantWarning: "not covered by the shipped FOMC calendar",
		},
		{
			name: "no meeting in the priced months", observed: "2025-11-03",
			prices:    map[ContractMonth]float64{{2025, time.November}: 96.12},
			startRate: rate(99), wantErr: "no upcoming FOMC meeting in the priced months 2025-11..2025-11",
		},
		{
			name: "start rate unknown", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.December}: 96.245},
			startRate: func() (float64, error) { return 0, fomc.ErrUnknownRange }, wantErr: "start rate: target range unknown",
		},
		{
			// The 17 Sep 2001 cut is not known on 10 Sep: September is
			// meeting-free and anchors the chain.
			name: "unscheduled decision not yet known", observed: "2001-09-10",
			prices:    map[ContractMonth]float64{{2001, time.September}: 96.6, {2001, time.October}: 97.1},
			startRate: rate(3.5), wantMeetings: []string{"2001-10-02"}, wantStart: 3.4, wantFrom: "2001-09",
			wantLast: map[int]float64{-75: 0.2 / 3, -50: 2.8 / 3},
		},
		{
			// Once the cut is known, September mixes two rates: the start
			// rate (the target in force) anchors October instead.
			name: "known unscheduled decision is no anchor", observed: "2001-09-20",
			prices:    map[ContractMonth]float64{{2001, time.September}: 96.6, {2001, time.October}: 97.1},
			startRate: rate(3), wantMeetings: []string{"2001-10-02"}, wantStart: 3, wantFrom: "start rate",
			wantLast: map[int]float64{-25: 6.2 / 15, 0: 8.8 / 15},
		},
		{
			name: "meeting after an unscheduled move reads the next month", observed: "2008-10-09",
			prices:    map[ContractMonth]float64{{2008, time.October}: 98.4, {2008, time.November}: 98.9},
			startRate: rate(1.5), wantMeetings: []string{"2008-10-29"}, wantStart: 1.5, wantFrom: "start rate",
			wantLast: map[int]float64{-50: 0.6, -25: 0.4},
		},
		{
			name: "meeting after an unscheduled move without the next month", observed: "2008-10-09",
			prices:    map[ContractMonth]float64{{2008, time.October}: 98.4},
			startRate: rate(1.5), wantErr: "the unscheduled decision of 2008-10-08 moved the rate earlier in 2008-10",
		},
		{
			name: "implausible price", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.December}: 9.245},
			startRate: rate(3.88), wantErr: "outside [75, 101]",
		},
		{
			// A 200 bp jump priced in: 8 steps, within ±500 bp.
			name: "large but plausible move", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.November}: 96.12, {2025, time.December}: 96.12 + 2*22.0/31},
			startRate: rate(99), wantMeetings: []string{"2025-12-10"}, wantStart: 3.88, wantFrom: "2025-11",
			wantLast: map[int]float64{-200: 1},
		},
		{
			name: "implausible move stops", observed: "2025-11-21",
			prices:    map[ContractMonth]float64{{2025, time.November}: 96.12, {2025, time.December}: 100.9},
			startRate: rate(99), wantErr: "implausible cumulative change",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, warnings, err := FedWatch(cal, FedWatchInput{ObservedOn: day(tt.observed), Prices: tt.prices, StartRate: tt.startRate})
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, r := range res {
				got = append(got, r.Meeting.String())
			}
			assert.Equal(t, tt.wantMeetings, got)
			if tt.wantFrom != "" {
				assert.InDelta(t, tt.wantStart, res[0].Start, 1e-12)
				assert.Equal(t, tt.wantFrom, res[0].StartFrom)
			}
			if tt.wantLast != nil {
				want := map[int]float64{}
				for c, p := range tt.wantLast {
					if p > 0 {
						want[c] = p
					}
				}
				assertOutcomes(t, want, res[len(res)-1].Outcomes, 1e-9)
			}
			if tt.wantWarning != "" {
				require.NotEmpty(t, warnings)
				assert.Contains(t, warnings[len(warnings)-1], tt.wantWarning)
			} else {
				assert.Empty(t, warnings)
			}
		})
	}
}

func TestStepOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		start, end float64
		want       map[int]float64
	}{
		{name: "no move", start: 3.88, end: 3.88, want: map[int]float64{0: 1}},
		{name: "part cut", start: 3.88, end: 3.83, want: map[int]float64{-25: 0.2, 0: 0.8}},
		{name: "part hike", start: 0.1325, end: 0.2325, want: map[int]float64{0: 0.6, 25: 0.4}},
		{name: "more than one cut", start: 5.33, end: 4.98, want: map[int]float64{-50: 0.4, -25: 0.6}},
		{name: "exactly two cuts despite float noise", start: 4.33, end: 3.83, want: map[int]float64{-50: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertOutcomes(t, tt.want, StepOutcomes(tt.start, tt.end), 1e-9)
		})
	}
}

func TestCompound(t *testing.T) {
	first := []event.Outcome{{ChangeBP: -25, Probability: 0.7}, {ChangeBP: 0, Probability: 0.3}}
	second := []event.Outcome{{ChangeBP: -25, Probability: 0.4}, {ChangeBP: 0, Probability: 0.6}}
	assertOutcomes(t, map[int]float64{-25: 0.7, 0: 0.3}, Compound(nil, first), 1e-12)
	assertOutcomes(t, map[int]float64{-50: 0.28, -25: 0.42 + 0.12, 0: 0.18}, Compound(first, second), 1e-12)
}
