package risk

import "math"

// Only IEEE-exact operations (+ − × ÷ √) and pure-Go math functions are used
// on the scoring path, so a binary gives the same bits on every CPU of its
// architecture. math.Exp (and Erf, Pow and Log, which call it or have
// assembly kernels) is avoided: on amd64 it switches to an FMA kernel at run
// time when the CPU has one, which changes last bits between machines.
// math.Exp2 is pure Go on amd64 and arm64.

// ln2Inv2 is log2(e)/2, so that e^(−x²/2) = 2^(−x²·ln2Inv2).
const ln2Inv2 = math.Log2E / 2

// invSqrt2Pi is 1/√(2π).
const invSqrt2Pi = 0.3989422804014327

// phi returns the standard normal CDF Φ(x): Marsaglia's series
// (J. Stat. Softw. 11(4), 2004) Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …)
// for |x| < 3, and the Laplace continued fraction of the Mills ratio for the
// tails, Q(a) = φ(a)/(a + 1/(a + 2/(a + …))) with 60 terms, Φ = 1 − Q(x) or
// Q(−x). Accurate to about 1e-15 relative in the left tail and 1e-16
// absolute elsewhere; 0 and 1 beyond ±38.
func phi(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return 0.5
	case x <= -38:
		return 0
	case x >= 38:
		return 1
	case x > -3 && x < 3:
		s, t, b, q := x, 0.0, x, x*x
		for i := 1.0; s != t; {
			t = s
			i += 2
			b *= q / i
			s = t + b
		}
		return clamp01(0.5 + s*invSqrt2Pi*math.Exp2(-q*ln2Inv2))
	}
	a := math.Abs(x)
	r := a
	for k := 60; k >= 1; k-- {
		r = a + float64(k)/r
	}
	q := invSqrt2Pi * math.Exp2(-a*a*ln2Inv2) / r
	if x < 0 {
		return q
	}
	return 1 - q
}

// halfNormal returns P(|Z| ≤ x) = 2Φ(x) − 1 for x ≥ 0, 0 for x ≤ 0.
func halfNormal(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return clamp01(2*phi(x) - 1)
}

// decay returns 2^(−x) for x ≥ 0 (1 for x ≤ 0).
func decay(x float64) float64 {
	if x <= 0 {
		return 1
	}
	return math.Exp2(-x)
}

func clamp01(v float64) float64 {
	switch {
	case v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

// table is a reference distribution as quantile knots: p[i] is the
// probability that the input is at most v[i]; both strictly increase, p
// from 0 to 1.
type table struct{ p, v []float64 }

// percentile returns the interpolated probability of x: linear between
// knots, 0 below the first value and 1 above the last. It is
// non-decreasing in x.
func (t table) percentile(x float64) float64 {
	n := len(t.v)
	switch {
	case n == 0:
		return 0.5
	case x <= t.v[0]:
		return t.p[0]
	case x >= t.v[n-1]:
		return t.p[n-1]
	}
	lo, hi := 0, n-1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if t.v[mid] <= x {
			lo = mid
		} else {
			hi = mid
		}
	}
	f := (x - t.v[lo]) / (t.v[hi] - t.v[lo])
	return clamp01(t.p[lo] + f*(t.p[hi]-t.p[lo]))
}
