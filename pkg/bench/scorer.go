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
	Events int `json:"scorer_events"`
	// EventsPerSecond is the rate of Update, plus Print whenever Update says
	// to publish, as the scorer runs the model.
	EventsPerSecond float64 `json:"scorer_eps"`
	// AllocsPerEvent and BytesPerEvent are Update's heap allocations per
	// event in steady state: what the model costs the garbage collector
	// for every input event.
	AllocsPerEvent float64 `json:"scorer_allocs_per_event"`
	BytesPerEvent  float64 `json:"scorer_bytes_per_event"`
	// Prints is how many of the timed events led to a published print, and
	// AllocsPerPrint what building one allocates (the print itself, which
	// the scorer hands to NATS, and its id).
	Prints         int     `json:"scorer_prints"`
	AllocsPerPrint float64 `json:"scorer_allocs_per_print"`
}

// Scorer feeds the nov-2025 episode, with a heartbeat every heartbeat of
// event time as the live scorer gets them, through a fresh model on one
// core, warming it on the first half and timing the second half; it
// repeats runs times and returns the median run by rate. Allocations are
// counted on a separate pass over the same half, Update and Print apart.
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
	warm := func() *risk.Model {
		m := risk.NewModel(risk.DefaultCalibration())
		for i, ev := range events[:half] {
			if m.Update(ev, uint64(i+1)) {
				m.Print()
			}
		}
		return m
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	results := make([]ScorerResult, 0, runs)
	for range max(runs, 1) {
		m := warm()
		runtime.GC()
		start := time.Now()
		for i, ev := range events[half:] {
			if m.Update(ev, uint64(half+i+1)) {
				m.Print() // what the scorer does with a print it publishes
			}
		}
		elapsed := time.Since(start)
		timed := len(events) - half
		results = append(results, ScorerResult{Events: timed, EventsPerSecond: float64(timed) / elapsed.Seconds()})
	}
	sort.Slice(results, func(i, j int) bool { return results[i].EventsPerSecond < results[j].EventsPerSecond })
	res := results[len(results)/2]

	m := warm()
	var updates, prints runtime.MemStats
	var updateMallocs, updateBytes, printMallocs uint64
	for i, ev := range events[half:] {
		runtime.ReadMemStats(&updates)
		publish := m.Update(ev, uint64(half+i+1))
		runtime.ReadMemStats(&prints)
		updateMallocs += prints.Mallocs - updates.Mallocs
		updateBytes += prints.TotalAlloc - updates.TotalAlloc
		if publish {
			m.Print()
			runtime.ReadMemStats(&updates)
			printMallocs += updates.Mallocs - prints.Mallocs
			res.Prints++
		}
	}
	res.AllocsPerEvent = float64(updateMallocs) / float64(res.Events)
	res.BytesPerEvent = float64(updateBytes) / float64(res.Events)
	if res.Prints > 0 {
		res.AllocsPerPrint = float64(printMallocs) / float64(res.Prints)
	}
	return res, nil
}
