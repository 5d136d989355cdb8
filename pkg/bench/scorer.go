package bench

import (
	"runtime"
	"sort"
	"time"

	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

// ScorerResult is the model alone on one core.
type ScorerResult struct {
	Events          int     `json:"scorer_events"`
	EventsPerSecond float64 `json:"scorer_eps"`
	AllocsPerEvent  float64 `json:"scorer_allocs_per_event"`
	BytesPerEvent   float64 `json:"scorer_bytes_per_event"`
}

// Scorer feeds the nov-2025 episode, with a heartbeat every heartbeat of
// event time as the live scorer gets them, through a fresh model on one
// core, warming it on the first half and timing the second half; it
// repeats runs times and returns the median run by rate.
func Scorer(heartbeat time.Duration, runs int) (ScorerResult, error) {
	data, err := scenario.Load("nov-2025")
	if err != nil {
		return ScorerResult{}, err
	}
	sc, err := scenario.Parse(data, time.Now())
	if err != nil {
		return ScorerResult{}, err
	}
	events := scenario.WithHeartbeats(sc.Events, heartbeat)
	half := len(events) / 2
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	results := make([]ScorerResult, 0, runs)
	for range max(runs, 1) {
		m := risk.NewModel(risk.DefaultCalibration())
		for i, ev := range events[:half] {
			if m.Update(ev, uint64(i+1)) {
				m.Print()
			}
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		for i, ev := range events[half:] {
			if m.Update(ev, uint64(half+i+1)) {
				m.Print() // what the scorer does with a print it publishes
			}
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		timed := float64(len(events) - half)
		results = append(results, ScorerResult{
			Events:          len(events) - half,
			EventsPerSecond: timed / elapsed.Seconds(),
			AllocsPerEvent:  float64(after.Mallocs-before.Mallocs) / timed,
			BytesPerEvent:   float64(after.TotalAlloc-before.TotalAlloc) / timed,
		})
	}
	sort.Slice(results, func(i, j int) bool { return results[i].EventsPerSecond < results[j].EventsPerSecond })
	return results[len(results)/2], nil
}
