package web_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/web"
)

func TestStatePrints(t *testing.T) {
	t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	cfg := web.DefaultConfig()
	cfg.MaxPoints = 3
	s := web.NewState(cfg)

	// The latest print first (the seed), then the history before it.
	assert.True(t, s.AddPrint(10, print(t0.Add(10*time.Hour), 10, 50, event.RegimeWatch)))
	for _, seq := range []uint64{7, 8, 9, 10} {
		s.AddPrint(seq, print(t0.Add(time.Duration(seq)*time.Hour), seq, float64(seq), event.RegimeCalm))
	}
	assert.False(t, s.AddPrint(10, print(t0, 10, 1, event.RegimeCalm)), "a sequence seen before")
	snap := s.Snapshot(t0.Add(11 * time.Hour))
	require.NotNil(t, snap.Print)
	assert.Equal(t, 50.0, snap.Print.Index, "the highest sequence is current")
	var seqs []uint64
	for _, p := range snap.History {
		seqs = append(seqs, p.Seq)
	}
	assert.Equal(t, []uint64{8, 9, 10}, seqs, "ordered, the oldest dropped past MaxPoints")
	want, err := risk.CalibrationFor(risk.DefaultModelVersion)
	require.NoError(t, err)
	require.NotNil(t, snap.Thresholds)
	assert.Equal(t, want.RegimeThresholds(), *snap.Thresholds)
	require.NotNil(t, snap.CostBasis)
	assert.Equal(t, 89600.0, *snap.CostBasis)

	unknown := print(t0.Add(12*time.Hour), 11, 60, event.RegimeWatch)
	unknown.ModelVersion = "clri-v9"
	s.AddPrint(11, unknown)
	assert.Nil(t, s.Snapshot(t0).Thresholds, "no bands for a model this build does not know")
}

func TestStateEvents(t *testing.T) {
	t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	now := t0.Add(100 * time.Hour)
	s := web.NewState(web.DefaultConfig())
	quote := func(v float64, at time.Time) *event.MarketQuote {
		return &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: at}, Instrument: event.InstrumentBTCUSD,
			Value: v, Unit: event.UnitUSD, Kind: event.QuoteLast}
	}
	incident := func(id, action, sev string, at time.Time) *event.VenueStatus {
		return &event.VenueStatus{Meta: event.Meta{Source: "manual", ObservedAt: at}, Venue: "cme", IncidentID: id,
			Action: action, Severity: sev, StartedAt: t0}
	}
	tests := []struct {
		name    string
		subject string
		e       event.Event
	}{
		{"quote", "cw.events.market.quote.BTC-USD", quote(90000, now.Add(-time.Hour))},
		{"older quote", "cw.events.market.quote.BTC-USD", quote(80000, now.Add(-2*time.Hour))},
		{"yield", "cw.events.jgb.yield.10Y", &event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: t0}}},
		{"halt opens", "cw.events.venue.status.cme", incident("a", event.ActionOpen, event.SeverityMajor, t0)},
		{"halt worsens", "cw.events.venue.status.cme", incident("a", event.ActionUpdate, event.SeverityHalt, t0.Add(time.Hour))},
		{"late open", "cw.events.venue.status.cme", incident("a", event.ActionOpen, event.SeverityMajor, t0)},
		{"other opens", "cw.events.venue.status.cme", incident("b", event.ActionOpen, event.SeverityDegraded, t0)},
		{"other resolves", "cw.events.venue.status.cme", incident("b", event.ActionResolve, event.SeverityDegraded, t0.Add(time.Hour))},
	}
	for _, tt := range tests {
		assert.True(t, s.AddEvent(tt.subject, now, tt.e), tt.name)
	}
	assert.False(t, s.AddEvent(event.SubjectHeartbeat, now, &event.Heartbeat{}), "heartbeats are no feed")
	dl := event.NewDeadLetter("sink", "cw.events.x", []byte("x"), 1, event.ErrMalformed, t0, t0)
	s.AddDeadLetter(now.Add(-2*time.Hour), dl)
	s.AddDeadLetter(now.Add(-time.Minute), dl)

	snap := s.Snapshot(now)
	require.NotNil(t, snap.BTC)
	assert.Equal(t, 90000.0, snap.BTC.Value, "the latest observation, not the latest delivered")
	require.Len(t, snap.Incidents, 1)
	assert.Equal(t, event.SeverityHalt, snap.Incidents[0].Severity)
	require.Len(t, snap.Feeds, 3)
	byKind := map[string]web.Feed{}
	for _, f := range snap.Feeds {
		byKind[f.Kind] = f
	}
	assert.Equal(t, "stale", byKind["jgb.yield"].State)
	assert.Equal(t, "fresh", byKind["market.quote"].State)
	assert.Equal(t, uint64(2), byKind["market.quote"].Events)
	assert.Equal(t, 3600.0, byKind["market.quote"].AgeSeconds)
	assert.Len(t, snap.DeadLetters, 1, "only the last hour's")
}
