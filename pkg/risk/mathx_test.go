package risk

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPhi(t *testing.T) {
	tests := []struct {
		x, want float64
	}{
		{0, 0.5},
		{1, 0.8413447460685429},
		{-1, 0.15865525393145707},
		{1.959963984540054, 0.975},
		{-2.326347874040841, 0.01},
		{3, 0.9986501019683699},
		{-6, 9.865876450376981e-10},
		{8.4, 1},
		{-9, 1.1285884059538408e-19},
		{-3, 0.0013498980316300946},
		{math.Inf(1), 1},
	}
	for _, tt := range tests {
		assert.InDelta(t, tt.want, phi(tt.x), 2e-15, "Φ(%v)", tt.x)
	}
	assert.InDelta(t, 0.6826894921370859, halfNormal(1), 1e-14)
	assert.Equal(t, 0.0, halfNormal(-1))
	for x := -10.0; x < 10; x += 0.001 {
		assert.LessOrEqual(t, phi(x), phi(x+0.001)+1e-15, "Φ is non-decreasing at %v (to rounding)", x)
	}
	for _, x := range []float64{-2.9999999, -2, -0.3, 0.7, 2.9999999, 3, 4.5} {
		assert.InDelta(t, 0.5*math.Erfc(-x/math.Sqrt2), phi(x), 2e-15, "Φ(%v)", x)
	}
	for _, x := range []float64{-30, -12, -8, -5, -3.5, -3} {
		want := 0.5 * math.Erfc(-x/math.Sqrt2)
		assert.InEpsilon(t, want, phi(x), 1e-13, "left tail Φ(%v), relative", x)
	}
}

func TestPercentile(t *testing.T) {
	tb := table{p: []float64{0, 0.5, 1}, v: []float64{-1, 0, 2}}
	tests := []struct{ x, want float64 }{
		{-5, 0}, {-1, 0}, {-0.5, 0.25}, {0, 0.5}, {1, 0.75}, {2, 1}, {9, 1},
	}
	for _, tt := range tests {
		assert.InDelta(t, tt.want, tb.percentile(tt.x), 1e-15, "x=%v", tt.x)
	}
}

func TestBusinessAge(t *testing.T) {
	hol := []int32{day(time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC).UnixMilli())} // a Monday
	f := freshness{business: true, holidays: hol}
	at := func(d, h int) int64 { return time.Date(2025, 11, d, h, 0, 0, 0, time.UTC).UnixMilli() }
	tests := []struct {
		name     string
		from, to int64
		want     time.Duration
	}{
		{"same weekday", at(20, 6), at(20, 18), 12 * time.Hour},
		{"over a night", at(20, 6), at(21, 6), 24 * time.Hour},
		{"Friday to Monday skips the weekend", at(14, 6), at(17, 6), 24 * time.Hour},
		{"inside a weekend", at(15, 1), at(16, 23), 0},
		{"over a weekend and a holiday", at(21, 6), at(25, 6), 24 * time.Hour},
		{"two weeks", at(3, 0), at(17, 0), 10 * 24 * time.Hour},
		{"backwards", at(20, 6), at(19, 6), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want.Milliseconds(), f.age(tt.from, tt.to))
		})
	}
	assert.Equal(t, (72 * time.Hour).Milliseconds(), freshness{}.age(at(14, 6), at(17, 6)), "calendar clock")
}
