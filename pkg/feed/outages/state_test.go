package outages_test

import (
	"sync"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/outages"
)

func TestParseKraken(t *testing.T) {
	tests := []struct {
		name string
		file string
		want outages.State
	}{
		{"online, Kraken's documented example", "kraken/online.json",
			outages.State{Status: "online", Normal: true, Severity: event.SeverityNone, At: ts(t, "2023-07-06T18:52:00Z")}},
		{"maintenance", "kraken/seq_2_maintenance.json",
			outages.State{Status: "maintenance", Severity: event.SeverityMaintenance, At: ts(t, "2025-12-03T14:02:31Z")}},
		{"cancel_only", "kraken/cancel_only.json",
			outages.State{Status: "cancel_only", Severity: event.SeverityHalt, At: ts(t, "2025-12-03T16:00:00Z")}},
		{"post_only", "kraken/post_only.json",
			outages.State{Status: "post_only", Severity: event.SeverityHalt, At: ts(t, "2025-12-03T16:05:00Z")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := outages.ParseKraken(feedtest.Testdata(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("no timestamp", func(t *testing.T) {
		got, err := outages.ParseKraken([]byte(`{"error":[],"result":{"status":"online"}}`))
		require.NoError(t, err)
		assert.True(t, got.At.IsZero())
	})
	t.Run("offset timestamp in UTC", func(t *testing.T) {
		got, err := outages.ParseKraken([]byte(`{"error":[],"result":{"status":"online","timestamp":"2025-12-03T23:00:00.1234+09:00"}}`))
		require.NoError(t, err)
		assert.Equal(t, time.Date(2025, 12, 3, 14, 0, 0, 123e6, time.UTC), got.At)
	})
}

func TestParseBinance(t *testing.T) {
	tests := []struct {
		name string
		file string
		want outages.State
	}{
		{"normal", "binance/normal.json", outages.State{Status: "normal", Normal: true, Severity: event.SeverityNone}},
		{"maintenance", "binance/maintenance.json", outages.State{Status: "system_maintenance", Severity: event.SeverityMaintenance}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := outages.ParseBinance(feedtest.Testdata(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// poll is one call of a stateful parser and the events it should return,
// written as describe does.
type poll struct {
	body []byte
	at   time.Time // fetch time
	want []string
}

func runPolls(t *testing.T, parse feed.Parser, polls []poll) []*event.VenueStatus {
	t.Helper()
	var all []*event.VenueStatus
	for i, p := range polls {
		obs, err := parse(p.body, p.at)
		require.NoError(t, err, "poll %d", i)
		assert.Empty(t, obs.Warnings, "poll %d", i)
		evs := sealed(t, obs)
		got := []string{}
		for _, e := range evs {
			got = append(got, describe(e))
		}
		if p.want == nil {
			p.want = []string{}
		}
		assert.Equal(t, p.want, got, "poll %d", i)
		all = append(all, evs...)
	}
	return all
}

func TestKrakenStatusLifecycle(t *testing.T) {
	parse, err := lookup(t, outages.FormatKrakenStatus).New(nil)
	require.NoError(t, err)
	fetch := ts(t, "2025-12-03T15:30:00Z") // later than every body's timestamp
	evs := runPolls(t, parse, []poll{
		{feedtest.Testdata(t, "kraken/seq_1_online.json"), fetch, nil},
		{feedtest.Testdata(t, "kraken/seq_2_maintenance.json"), fetch, []string{"open maintenance 2025-12-03T14:02:31Z maintenance"}},
		{feedtest.Testdata(t, "kraken/seq_3_maintenance.json"), fetch, nil},
		{feedtest.Testdata(t, "kraken/seq_4_online.json"), fetch, []string{"resolve online 2025-12-03T15:09:02Z maintenance resolved=2025-12-03T15:09:02Z"}},
		{feedtest.Testdata(t, "kraken/seq_4_online.json"), fetch, nil},
	})
	start := ts(t, "2025-12-03T14:02:31Z")
	want := sealAs([]*event.VenueStatus{
		{
			Meta:  event.Meta{Source: "kraken", ObservedAt: start},
			Venue: "kraken", IncidentID: "kraken-maintenance-1764770551000", Action: event.ActionOpen,
			Severity: event.SeverityMaintenance, Status: "maintenance", Title: "kraken system status: maintenance",
			StartedAt: start,
		},
		{
			Meta:  event.Meta{Source: "kraken", ObservedAt: ts(t, "2025-12-03T15:09:02Z")},
			Venue: "kraken", IncidentID: "kraken-maintenance-1764770551000", Action: event.ActionResolve,
			Severity: event.SeverityMaintenance, Status: "online", Title: "kraken system status: maintenance",
			StartedAt: start, ResolvedAt: ptr(ts(t, "2025-12-03T15:09:02Z")),
		},
	})
	assert.Equal(t, want, evs)
	assert.Equal(t, start.UnixMilli(), int64(1764770551000))
}

func TestBinanceStatusLifecycle(t *testing.T) {
	parse, err := lookup(t, outages.FormatBinanceStatus).New(map[string]string{"source": "binance-sapi"})
	require.NoError(t, err)
	t1 := ts(t, "2025-12-03T02:00:00.123Z")
	t2 := t1.Add(time.Minute)
	t3 := t2.Add(time.Minute)
	t4 := t3.Add(time.Minute)
	normal, maint := feedtest.Testdata(t, "binance/normal.json"), feedtest.Testdata(t, "binance/maintenance.json")
	evs := runPolls(t, parse, []poll{
		{normal, t1, nil},
		{maint, t2, []string{"open system_maintenance 2025-12-03T02:01:00.123Z maintenance"}},
		{maint, t3, nil},
		{normal, t4, []string{"resolve normal 2025-12-03T02:03:00.123Z maintenance resolved=2025-12-03T02:03:00.123Z"}},
	})
	require.Len(t, evs, 2)
	assert.Equal(t, "binance-system_maintenance-1764727260123", evs[0].IncidentID)
	assert.Equal(t, evs[0].IncidentID, evs[1].IncidentID)
	assert.Equal(t, "binance-sapi", evs[1].Source)
	assert.Equal(t, t2, evs[1].StartedAt)
}

func TestTracker(t *testing.T) {
	maint := outages.State{Status: "maintenance", Severity: event.SeverityMaintenance}
	cancel := outages.State{Status: "cancel_only", Severity: event.SeverityHalt}
	post := outages.State{Status: "post_only", Severity: event.SeverityHalt}
	online := outages.State{Status: "online", Normal: true, Severity: event.SeverityNone}
	at := func(s outages.State, v string) outages.State { s.At = ts(t, v); return s }

	t.Run("first poll abnormal opens; moving between abnormal states resolves and opens", func(t *testing.T) {
		tr, err := outages.NewTracker("kraken", "kraken")
		require.NoError(t, err)
		steps := []struct {
			state outages.State
			want  []string
		}{
			{at(cancel, "2025-12-03T16:00:00Z"), []string{"open cancel_only 2025-12-03T16:00:00Z halt"}},
			{at(post, "2025-12-03T16:05:00Z"), []string{
				"resolve post_only 2025-12-03T16:05:00Z halt resolved=2025-12-03T16:05:00Z",
				"open post_only 2025-12-03T16:05:00Z halt",
			}},
			{at(online, "2025-12-03T16:09:00Z"), []string{"resolve online 2025-12-03T16:09:00Z halt resolved=2025-12-03T16:09:00Z"}},
			{at(online, "2025-12-03T16:10:00Z"), []string{}},
		}
		var all []*event.VenueStatus
		for i, s := range steps {
			obs, err := tr.Observe(s.state, now)
			require.NoError(t, err, "step %d", i)
			evs := sealed(t, obs)
			got := []string{}
			for _, e := range evs {
				got = append(got, describe(e))
			}
			assert.Equal(t, s.want, got, "step %d", i)
			all = append(all, evs...)
		}
		require.Len(t, all, 4)
		assert.Equal(t, "kraken-cancel_only-1764777600000", all[0].IncidentID)
		assert.Equal(t, all[0].IncidentID, all[1].IncidentID)
		assert.Equal(t, "kraken-post_only-1764777900000", all[2].IncidentID)
		assert.Equal(t, all[2].IncidentID, all[3].IncidentID)
		assert.Len(t, uniq(ids(all)), 4)
	})

	t.Run("a stale state is ignored with a warning", func(t *testing.T) {
		tr, err := outages.NewTracker("kraken", "kraken")
		require.NoError(t, err)
		_, err = tr.Observe(at(maint, "2025-12-03T14:00:00Z"), now)
		require.NoError(t, err)
		obs, err := tr.Observe(at(online, "2025-12-03T13:59:59Z"), now)
		require.NoError(t, err)
		assert.Empty(t, obs.Events)
		require.Len(t, obs.Warnings, 1)
		assert.Contains(t, obs.Warnings[0], `kraken state "online" at 2025-12-03T13:59:59Z is older than the last one seen (2025-12-03T14:00:00Z); ignored`)
		obs, err = tr.Observe(at(online, "2025-12-03T14:00:01Z"), now)
		require.NoError(t, err)
		require.Len(t, obs.Events, 1, "the maintenance is still open")
		assert.Equal(t, event.ActionResolve, obs.Events[0].(*event.VenueStatus).Action)
	})

	t.Run("bad states change nothing", func(t *testing.T) {
		tr, err := outages.NewTracker("kraken", "kraken")
		require.NoError(t, err)
		for _, tc := range []struct {
			state outages.State
			want  string
		}{
			{at(maint, "2026-01-01T00:05:00.001Z"), `kraken state "maintenance" at 2026-01-01T00:05:00.001Z is not between 1970 and now (2026-01-01T00:00:00Z)`},
			{at(online, "2030-01-01T00:00:00Z"), `kraken state "online" at 2030-01-01T00:00:00Z is not between 1970 and now`},
			{at(maint, "1969-12-31T23:59:59Z"), "is not between 1970 and now"},
			{outages.State{Severity: event.SeverityNone, Normal: true}, "state has no status"},
			{outages.State{Status: "weird", Severity: "awful"}, `state "weird" has unknown severity "awful"`},
		} {
			_, err := tr.Observe(tc.state, now)
			require.ErrorIs(t, err, feed.ErrBadBody)
			assert.Contains(t, err.Error(), tc.want)
		}
		obs, err := tr.Observe(online, now)
		require.NoError(t, err)
		assert.Empty(t, obs.Events, "the first accepted poll is normal: nothing to report")
	})

	t.Run("concurrent use", func(t *testing.T) {
		tr, err := outages.NewTracker("binance", "binance")
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					_, err := tr.Observe(online, now)
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
	})

	t.Run("bad venue or source", func(t *testing.T) {
		_, err := outages.NewTracker("Kraken", "kraken")
		require.ErrorIs(t, err, feed.ErrBadParam)
		_, err = outages.NewTracker("kraken", "")
		require.ErrorIs(t, err, feed.ErrBadParam)
	})
}

func TestTrackerSameInstant(t *testing.T) {
	maint := outages.State{Status: "maintenance", Severity: event.SeverityMaintenance}
	online := outages.State{Status: "online", Normal: true, Severity: event.SeverityNone}
	at := func(s outages.State, v string) outages.State { s.At = ts(t, v); return s }
	tr, err := outages.NewTracker("kraken", "kraken")
	require.NoError(t, err)
	steps := []struct {
		state    outages.State
		want     []string
		wantWarn string
	}{
		{at(maint, "2025-12-03T14:00:00Z"), []string{"open maintenance 2025-12-03T14:00:00Z maintenance"}, ""},
		{at(online, "2025-12-03T14:00:00Z"), []string{}, `kraken state "online" at 2025-12-03T14:00:00Z changes the state seen at the same millisecond; ignored until a later observation`},
		{at(maint, "2025-12-03T14:00:00Z"), []string{}, ""},
		{at(online, "2025-12-03T14:00:01Z"), []string{"resolve online 2025-12-03T14:00:01Z maintenance resolved=2025-12-03T14:00:01Z"}, ""},
	}
	for i, s := range steps {
		obs, err := tr.Observe(s.state, now)
		require.NoError(t, err, "step %d", i)
		got := []string{}
		for _, e := range sealed(t, obs) {
			got = append(got, describe(e))
		}
		assert.Equal(t, s.want, got, "step %d", i)
		if s.wantWarn == "" {
			assert.Empty(t, obs.Warnings, "step %d", i)
		} else {
			require.Len(t, obs.Warnings, 1, "step %d", i)
			assert.Equal(t, s.wantWarn, obs.Warnings[0])
		}
	}
}
