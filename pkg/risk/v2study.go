package risk

import (
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// StudyEpisode is one episode of an event study: its window and the
// highest-regime print within it.
type StudyEpisode struct {
	Name     string
	From, To time.Time // the window: the episode's days ± 2 business days
	At       time.Time // the print with the highest regime (then index) in it
	Regime   string
	Index    float64
	Drivers  []string
	Triggers []string
}

// StudyResult is an event study of a model over a replayed history.
type StudyResult struct {
	ModelVersion    string
	CalibrationHash string
	Episodes        []StudyEpisode
	// Weekdays counts the Monday–Friday days with a print; Shares gives,
	// per regime, the share of them whose highest regime it was.
	Weekdays int
	Shares   map[string]float64
}

// Episode is a stretch of history a study looks at: its first and last
// days (UTC midnight).
type Episode struct {
	Name     string
	From, To time.Time
}

// StudyWindow is the business days either side of an episode searched.
const StudyWindow = 2

// Study replays events through a new model of calibration c and reports,
// for each episode (name, first and last day), the highest regime within
// StudyWindow business days of it, and the share of weekdays in each
// regime.
func Study(c Calibration, events []event.Event, episodes []Episode) StudyResult {
	m := NewModel(c)
	res := StudyResult{ModelVersion: c.Version(), CalibrationHash: c.Hash(), Shares: map[string]float64{}}
	lo := make([]int32, len(episodes))
	hi := make([]int32, len(episodes))
	best := make([]*event.RiskScore, len(episodes))
	for i, e := range episodes {
		lo[i] = addBusinessDays(day(e.From.UnixMilli()), -StudyWindow)
		hi[i] = addBusinessDays(day(e.To.UnixMilli()), StudyWindow)
	}
	level := func(r string) int {
		for k, name := range regimes {
			if name == r {
				return k
			}
		}
		return -1
	}
	counts := map[string]int{}
	curDay, dayMax := int32(-1), -1
	flush := func() {
		if curDay >= 0 && weekday(curDay) < 5 && dayMax >= 0 {
			res.Weekdays++
			counts[regimes[dayMax]]++
		}
	}
	for _, ev := range events {
		p, _ := m.Apply(ev, 0)
		if p == nil {
			continue
		}
		d := day(p.ObservedAt.UnixMilli())
		if d != curDay {
			flush()
			curDay, dayMax = d, -1
		}
		l := level(p.Regime)
		dayMax = max(dayMax, l)
		for i := range episodes {
			if d < lo[i] || d > hi[i] {
				continue
			}
			if b := best[i]; b == nil || l > level(b.Regime) || (l == level(b.Regime) && p.Index > b.Index) {
				best[i] = p
			}
		}
	}
	flush()
	for _, r := range regimes {
		res.Shares[r] = float64(counts[r]) / float64(max(1, res.Weekdays))
	}
	for i, e := range episodes {
		se := StudyEpisode{Name: e.Name, From: time.UnixMilli(int64(lo[i]) * msPerDay).UTC(), To: time.UnixMilli(int64(hi[i]) * msPerDay).UTC()}
		if b := best[i]; b != nil {
			se.At, se.Regime, se.Index, se.Drivers, se.Triggers = b.ObservedAt, b.Regime, b.Index, b.Drivers, b.Triggers
		}
		res.Episodes = append(res.Episodes, se)
	}
	return res
}

// addBusinessDays moves d by n Monday–Friday days (n may be negative).
func addBusinessDays(d int32, n int) int32 {
	step := int32(1)
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d += step
		if weekday(d) < 5 {
			n--
		}
	}
	return d
}
