package risk

import "math"

// seriesCap is how many daily observations a series keeps: a year of
// business days plus the 250-observation windows' margin.
const seriesCap = 300

// Daily series of model v2, in state order.
const (
	serJGB2Y = iota
	serJGB10Y
	serUSDJPY
	serUST2Y
	serGap // UST2Y − JGB2Y, percent
	serBTC
	serVIX
	nSeries
)

// seriesNames name the series in the calibration file.
var seriesNames = [nSeries]string{"JGB2Y", "JGB10Y", "USDJPY", "UST2Y", "GAP2Y", "BTC-USD", "VIX"}

// seriesIsPrice says whether a series' changes are log returns (prices)
// or differences in basis points (yields).
var seriesIsPrice = [nSeries]bool{false, false, true, false, false, true, true}

// dailySeries is one input as one value per UTC day of observation, oldest
// first, with zero-mean EWMA variances of its 1- and 5-observation changes.
// A day's value may be revised (the latest observation of the day wins)
// until a later day arrives; the day's changes then enter the variances,
// so a value is always judged against variances of earlier changes only.
type dailySeries struct {
	Days []int32   `json:"days"`
	Vals []float64 `json:"vals"`
	AsOf int64     `json:"as_of"` // observed_at of the latest value, Unix ms
	Var1 float64   `json:"var1"`  // EWMA of squared 1-observation changes
	Var5 float64   `json:"var5"`  // EWMA of squared 5-observation changes
}

// add records value v of day d observed at ms and reports whether it was
// kept: a day older than the latest is ignored, and so is an observation
// of the latest day older than the one already held.
func (s *dailySeries) add(d int32, v float64, ms int64, isPrice bool, lam1, lam5 float64) bool {
	n := len(s.Days)
	switch {
	case n > 0 && d < s.Days[n-1]:
		return false
	case n > 0 && d == s.Days[n-1]:
		if ms < s.AsOf {
			return false
		}
		s.Vals[n-1], s.AsOf = v, ms
		return true
	}
	// The latest day is final: its changes enter the variances.
	if c, ok := s.change(1, isPrice); ok {
		s.Var1 = lam1*s.Var1 + (1-lam1)*c*c
	}
	if c, ok := s.change(5, isPrice); ok {
		s.Var5 = lam5*s.Var5 + (1-lam5)*c*c
	}
	if n == seriesCap {
		s.Days = append(s.Days[:0], s.Days[1:]...)
		s.Vals = append(s.Vals[:0], s.Vals[1:]...)
	}
	s.Days = append(s.Days, d)
	s.Vals = append(s.Vals, v)
	s.AsOf = ms
	return true
}

// change returns the change of the latest value over k observations back:
// the log return for a price, the difference in basis points for a yield.
func (s *dailySeries) change(k int, isPrice bool) (float64, bool) {
	n := len(s.Vals)
	if n <= k {
		return 0, false
	}
	a, b := s.Vals[n-1], s.Vals[n-1-k]
	if isPrice {
		if a <= 0 || b <= 0 {
			return 0, false
		}
		return math.Log(a / b), true
	}
	return (a - b) * 100, true
}

// last returns the latest value.
func (s *dailySeries) last() (float64, bool) {
	if len(s.Vals) == 0 {
		return 0, false
	}
	return s.Vals[len(s.Vals)-1], true
}

// z returns the k-observation change in units of its EWMA sd (floored at
// minSD), k being 1 or 5.
func (s *dailySeries) z(k int, isPrice bool, minSD float64) (float64, bool) {
	c, ok := s.change(k, isPrice)
	if !ok {
		return 0, false
	}
	v := s.Var1
	if k == 5 {
		v = s.Var5
	}
	return c / math.Max(math.Sqrt(v), minSD), true
}

// window returns the latest n values (fewer if the series is shorter).
func (s *dailySeries) window(n int) []float64 {
	if len(s.Vals) < n {
		return s.Vals
	}
	return s.Vals[len(s.Vals)-n:]
}

// rmsReturn returns the root mean square of the last n log returns, with
// ok false when fewer than n exist.
func (s *dailySeries) rmsReturn(n int) (float64, bool) {
	w := s.window(n + 1)
	if len(w) < n+1 {
		return 0, false
	}
	var sum float64
	for i := 1; i < len(w); i++ {
		if w[i] <= 0 || w[i-1] <= 0 {
			return 0, false
		}
		r := math.Log(w[i] / w[i-1])
		sum += r * r
	}
	return math.Sqrt(sum / float64(n)), true
}
