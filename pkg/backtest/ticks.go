package backtest

import (
	"math"
	"strconv"
	"time"
)

// timeTick is one labelled instant on the time axis.
type timeTick struct {
	t     time.Time
	label string
}

// timeStep is a candidate spacing of time ticks: a duration, or a number of
// calendar months.
type timeStep struct {
	d      time.Duration
	months int
	layout string
}

const day = 24 * time.Hour

var timeSteps = []timeStep{
	{d: time.Minute, layout: "15:04"},
	{d: 5 * time.Minute, layout: "15:04"},
	{d: 15 * time.Minute, layout: "15:04"},
	{d: 30 * time.Minute, layout: "15:04"},
	{d: time.Hour, layout: "2 Jan 15:04"},
	{d: 3 * time.Hour, layout: "2 Jan 15:04"},
	{d: 6 * time.Hour, layout: "2 Jan 15:04"},
	{d: 12 * time.Hour, layout: "2 Jan 15:04"},
	{d: day, layout: "2 Jan"},
	{d: 2 * day, layout: "2 Jan"},
	{d: 7 * day, layout: "2 Jan"}, // Mondays: the zero time.Time is a Monday
	{d: 14 * day, layout: "2 Jan"},
	{months: 1, layout: "Jan 2006"},
	{months: 3, layout: "Jan 2006"},
	{months: 6, layout: "Jan 2006"},
	{months: 12, layout: "2006"},
	{months: 24, layout: "2006"},
	{months: 60, layout: "2006"},
	{months: 120, layout: "2006"},
}

// timeTicks returns ticks at round UTC instants within [t0, t1], the finest
// spacing whose labels, each labelWidth(layout) wide plus a gap, fit in width.
func timeTicks(t0, t1 time.Time, width float64, labelWidth func(string) float64) []timeTick {
	span := t1.Sub(t0)
	for _, s := range timeSteps {
		approx := s.d
		if s.months > 0 {
			approx = time.Duration(s.months) * 30 * day
		}
		n := float64(span) / float64(approx)
		if n*(labelWidth(s.layout)+28) > width {
			continue
		}
		if s.d > 0 && s.d < day && span < day {
			s.layout = "15:04"
		}
		return ticksAt(t0, t1, s)
	}
	return []timeTick{{t: t0, label: t0.Format("2006")}, {t: t1, label: t1.Format("2006")}}
}

func ticksAt(t0, t1 time.Time, s timeStep) []timeTick {
	var ticks []timeTick
	if s.months == 0 {
		t := t0.Truncate(s.d)
		if t.Before(t0) {
			t = t.Add(s.d)
		}
		for ; !t.After(t1); t = t.Add(s.d) {
			ticks = append(ticks, timeTick{t: t, label: t.Format(s.layout)})
		}
		return ticks
	}
	t := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
	for t.Before(t0) || (int(t.Month())-1)%min(s.months, 12) != 0 || (s.months > 12 && t.Year()%(s.months/12) != 0) {
		t = t.AddDate(0, 1, 0)
	}
	for ; !t.After(t1); t = t.AddDate(0, s.months, 0) {
		ticks = append(ticks, timeTick{t: t, label: t.Format(s.layout)})
	}
	return ticks
}

// niceTicks returns round values covering [lo, hi] about n apart, and the
// range widened to the outer ticks.
func niceTicks(lo, hi float64, n int) (ticks []float64, tlo, thi float64) {
	if hi-lo < 1e-12 {
		pad := math.Max(math.Abs(hi)*0.1, 1)
		lo, hi = lo-pad, hi+pad
	}
	step := niceStep((hi - lo) / float64(n))
	tlo = math.Floor(lo/step+1e-9) * step
	thi = math.Ceil(hi/step-1e-9) * step
	for i := 0; ; i++ {
		v := tlo + float64(i)*step
		if v > thi+step/2 {
			break
		}
		ticks = append(ticks, v)
	}
	return ticks, tlo, thi
}

// niceStep rounds raw up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// formatTicks writes tick values with as many decimals as the spacing needs.
func formatTicks(ticks []float64) []string {
	dec := 0
	if len(ticks) > 1 {
		step := ticks[1] - ticks[0]
		for dec < 6 && math.Abs(step*math.Pow(10, float64(dec))-math.Round(step*math.Pow(10, float64(dec)))) > 1e-6 {
			dec++
		}
	}
	out := make([]string, len(ticks))
	for i, v := range ticks {
		if math.Abs(v) < 1e-12 {
			v = 0
		}
		out[i] = strconv.FormatFloat(v, 'f', dec, 64)
	}
	return out
}
