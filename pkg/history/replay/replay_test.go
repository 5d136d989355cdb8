package replay_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed/fedodds"
	"github.com/carrywatch/carrywatch/pkg/fomc"
	"github.com/carrywatch/carrywatch/pkg/history"
	"github.com/carrywatch/carrywatch/pkg/history/replay"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

// The odds of a few days, to the last digit the method gives.
func TestFedOddsKnownDays(t *testing.T) {
	tests := []struct {
		name    string
		day     string
		meeting string
		want    map[int]float64
	}{
		{
			// Meeting-free August (m0 99.8625) anchors 0.1375 %; September
			// (m1 99.825, meeting on day 17 of 30) gives the end rate
			// (0.175 − 16/30·0.1375)·30/14 = 0.217857 %: a 32 % hike at the
			// meeting of CME's worked example.
			name: "before the 2015 liftoff debate", day: "2015-08-31", meeting: "2015-09-17",
			want: map[int]float64{0: 0.6785714285714773, 25: 0.32142857142852266},
		},
		{
			name: "day before the coordinated cut", day: "2008-10-07", meeting: "2008-10-29",
			want: map[int]float64{-75: 0.32, -50: 0.68},
		},
		{
			// On the cut's own day the old 2 % target is still in force
			// (fomc's day-after convention) and October is no anchor.
			name: "day of the coordinated cut", day: "2008-10-08", meeting: "2008-10-29",
			want: map[int]float64{-75: 0.82, -50: 0.18},
		},
		{
			// Start 1.50 % (the target after 8 Oct); 29 Oct is late, so
			// November (m1 98.725, meeting-free) gives the end rate 1.275 %:
			// −0.9 steps.
			name: "day after the coordinated cut", day: "2008-10-09", meeting: "2008-10-29",
			want: map[int]float64{-25: 0.9, 0: 0.1},
		},
		{
			// The 18 Mar 2020 meeting was replaced by the 15 Mar decision,
			// so 29 Apr is the next meeting. Start 1.125 % (the 1.00–1.25
			// range after 3 Mar); 29 Apr is late, so May (m2 99.87) gives
			// 0.13 %: −3.98 steps.
			name: "Friday before the emergency cut to zero", day: "2020-03-13", meeting: "2020-04-29",
			want: map[int]float64{-100: 0.98, -75: 0.02},
		},
		{
			name: "day of the post-9/11 cut", day: "2001-09-17", meeting: "2001-10-02",
			want: map[int]float64{-100: 0.3893333333333042, -75: 0.6106666666666958},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := day(t, tt.day)
			evs, err := replay.FedOdds(d, d)
			require.NoError(t, err)
			var found *event.FedOdds
			for _, e := range evs {
				assert.Equal(t, d.Add(fedodds.ObservationHourUTC*time.Hour), e.ObservedAt)
				assert.Equal(t, fedodds.SourceZQ, e.Source)
				if e.Meeting == tt.meeting {
					found = e
				}
			}
			require.NotNil(t, found, "no event for %s among %d", tt.meeting, len(evs))
			assert.Equal(t, tt.meeting, evs[0].Meeting, "the first event is the next meeting")
			got := map[int]float64{}
			for _, o := range found.Outcomes {
				got[o.ChangeBP] = o.Probability
			}
			require.Len(t, got, len(tt.want), "outcomes %v", found.Outcomes)
			for c, p := range tt.want {
				assert.InDelta(t, p, got[c], 1e-9, "change %+d bp", c)
			}
		})
	}
}

// Every ZQ day from 1999 to the end of the ZQ history gives odds, one event
// per upcoming scheduled meeting and day, never after the cut-off.
func TestFedOddsWholeHistory(t *testing.T) {
	evs, err := replay.FedOdds(time.Time{}, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	cal, err := fomc.Shipped()
	require.NoError(t, err)
	scheduled := map[string]bool{}
	for _, m := range cal.Meetings() {
		scheduled[m.String()] = true
	}
	perYear := map[int]int{}
	days := map[time.Time]bool{}
	seen := map[string]bool{}
	for _, e := range evs {
		perYear[e.ObservedAt.Year()]++
		d := e.ObservedAt.Truncate(24 * time.Hour)
		days[d] = true
		require.True(t, scheduled[e.Meeting], "odds for %s, not a scheduled meeting", e.Meeting)
		require.False(t, day(t, e.Meeting).Before(d), "meeting %s before its observation %s", e.Meeting, d)
		require.True(t, e.ObservedAt.Before(history.LastDate.AddDate(0, 0, 1)), "observed %s", e.ObservedAt)
		id := e.Meeting + e.ObservedAt.String()
		require.False(t, seen[id], "two events for %s", id)
		seen[id] = true
		require.NoError(t, e.Validate(replay.Now))
	}
	assert.Equal(t, map[int]int{
		1999: 606, 2000: 599, 2001: 590, 2002: 593, 2003: 600, 2004: 574, 2005: 592, 2006: 613,
		2007: 610, 2008: 625, 2009: 613, 2010: 605, 2011: 599, 2012: 598, 2013: 622, 2014: 637,
		2015: 635, 2016: 587, 2017: 588, 2018: 590, 2019: 595, 2020: 560, 2021: 613, 2022: 569, 2023: 413,
	}, perYear)
	assert.Equal(t, "2023-09-15", evs[len(evs)-1].ObservedAt.Format(time.DateOnly), "the ZQ history ends 2023-09-15")

	m0, err := history.Lookup("fed_funds_futures_zq_m0")
	require.NoError(t, err)
	vs, err := m0.Values()
	require.NoError(t, err)
	missing := 0
	for _, v := range vs {
		if !days[v.Date] {
			missing++
		}
	}
	assert.Zero(t, missing, "every day with an m0 price has odds")
}

func TestFedOddsDeterministicAndSliced(t *testing.T) {
	from, to := day(t, "2008-09-01"), day(t, "2008-12-31")
	a, err := replay.FedOdds(from, to)
	require.NoError(t, err)
	b, err := replay.FedOdds(from.Add(15*time.Hour), to.Add(23*time.Hour)) // any time of the bounding days
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.NotEmpty(t, a)
	assert.Equal(t, "2008-09-02", a[0].ObservedAt.Format(time.DateOnly))
	assert.Equal(t, "2008-12-31", a[len(a)-1].ObservedAt.Format(time.DateOnly))

	none, err := replay.FedOdds(day(t, "2024-01-01"), day(t, "2024-12-31"))
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestEvents(t *testing.T) {
	evs, err := replay.Events()
	require.NoError(t, err)
	odds, err := replay.FedOdds(time.Time{}, history.LastDate)
	require.NoError(t, err)

	rows := 0
	for _, s := range history.Events() {
		rows += s.Rows
	}
	require.Len(t, evs, rows+len(odds))

	kinds := map[string]int{}
	ids := map[string]bool{}
	for i, e := range evs {
		h := e.Header()
		kinds[e.SchemaName()+" "+e.Key()]++
		require.False(t, ids[h.ID], "id %s twice", h.ID)
		ids[h.ID] = true
		require.True(t, h.ObservedAt.Before(history.LastDate.AddDate(0, 0, 1)), "observed %s", h.ObservedAt)
		if i > 0 {
			p := evs[i-1].Header()
			require.False(t, h.ObservedAt.Before(p.ObservedAt), "event %d out of order", i)
			if h.ObservedAt.Equal(p.ObservedAt) && evs[i-1].SchemaName() == e.SchemaName() && p.Source == h.Source {
				require.Less(t, evs[i-1].Key(), e.Key(), "event %d: tie not ordered by key", i)
			}
		}
	}
	assert.Equal(t, 6269, kinds[event.SchemaMarketQuote+" USDJPY"])
	assert.Equal(t, 3283, kinds[event.SchemaMarketQuote+" BTC-USD"])
	assert.Equal(t, 6129, kinds[event.SchemaJGBYield+" 10Y"])

	again, err := replay.Events()
	require.NoError(t, err)
	require.Equal(t, len(evs), len(again))
	for i := range evs {
		require.Equal(t, evs[i].Header().ID, again[i].Header().ID, "event %d", i)
	}
}
