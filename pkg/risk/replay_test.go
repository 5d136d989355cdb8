package risk

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

// heartbeatEvery is the spacing of the heartbeats the tests insert between
// scenario events: scenario files carry only observations, and event time
// must advance between them for freshness to decay and for the daily and
// hourly samplers to run, as a live ingest's heartbeats would make it.
const heartbeatEvery = 10 * time.Minute

// parseNow is the "now" scenario.Parse validates against: after the episode,
// so no observation is in the future, and fixed, so ids and ingested_at are
// the same on every run.
var parseNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// heartbeat returns a sealed heartbeat observed at t.
func heartbeat(t time.Time) *event.Heartbeat {
	hb := &event.Heartbeat{Meta: event.Meta{Source: "replay", ObservedAt: t, IngestedAt: t}}
	event.Seal(hb, t)
	return hb
}

// withHeartbeats merges heartbeats on the heartbeatEvery grid (and at the
// extra instants) between the first and the last event; at equal times the
// scenario event comes first.
func withHeartbeats(evs []event.Event, extra ...time.Time) []event.Event {
	if len(evs) == 0 {
		return nil
	}
	first := evs[0].Header().ObservedAt
	last := evs[len(evs)-1].Header().ObservedAt
	var hbs []time.Time
	for t := first.Truncate(heartbeatEvery).Add(heartbeatEvery); !t.After(last); t = t.Add(heartbeatEvery) {
		hbs = append(hbs, t)
	}
	hbs = append(hbs, extra...)
	sortTimes(hbs)
	out := make([]event.Event, 0, len(evs)+len(hbs))
	i, j := 0, 0
	for i < len(evs) || j < len(hbs) {
		if j >= len(hbs) || (i < len(evs) && !evs[i].Header().ObservedAt.After(hbs[j])) {
			out = append(out, evs[i])
			i++
			continue
		}
		out = append(out, heartbeat(hbs[j]))
		j++
	}
	return out
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for k := i; k > 0 && ts[k].Before(ts[k-1]); k-- {
			ts[k], ts[k-1] = ts[k-1], ts[k]
		}
	}
}

// haltPlus30s is the extra heartbeat 30 s after the CME halt was declared.
var haltPlus30s = time.Date(2025, 11, 28, 2, 40, 30, 0, time.UTC)

// nov2025Input returns the nov-2025 scenario events with heartbeats; stream
// sequences are 1..n in this order.
func nov2025Input(t testing.TB) []event.Event {
	t.Helper()
	data, err := scenario.Load("nov-2025")
	require.NoError(t, err)
	sc, err := scenario.Parse(data, parseNow)
	require.NoError(t, err)
	require.Empty(t, sc.Rejected)
	return withHeartbeats(sc.Events, haltPlus30s)
}

// step is one Apply's outcome.
type step struct {
	seq     uint64
	ev      event.Event
	print   *event.RiskScore
	publish bool
}

// replay applies evs with sequences from+1… to m.
func replay(m *Model, evs []event.Event, from uint64) []step {
	out := make([]step, 0, len(evs))
	for i, ev := range evs {
		seq := from + uint64(i) + 1
		p, pub := m.Apply(ev, seq)
		out = append(out, step{seq: seq, ev: ev, print: p, publish: pub})
	}
	return out
}

var (
	novOnce  sync.Once
	novSteps []step
)

// nov2025 replays the scenario once per test binary under the default
// calibration.
func nov2025(t testing.TB) []step {
	t.Helper()
	novOnce.Do(func() { novSteps = replay(NewModel(v1Calibration()), nov2025Input(t), 0) })
	require.NotEmpty(t, novSteps)
	return novSteps
}

// blockOf returns the named block of a print.
func blockOf(p *event.RiskScore, name string) event.Block {
	for _, b := range p.Blocks {
		if b.Name == name {
			return b
		}
	}
	return event.Block{}
}

// componentOf returns the named component of a print and whether it is
// present.
func componentOf(p *event.RiskScore, name string) (event.Component, bool) {
	for _, c := range p.Components {
		if c.Name == name {
			return c, true
		}
	}
	return event.Component{}, false
}
