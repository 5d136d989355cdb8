package backtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTimeTicks(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	width := func(layout string) float64 { return 6 * float64(len(layout)) } // about 6 px a character
	tests := []struct {
		name   string
		t0, t1 string
		width  float64
		want   []string
	}{
		{name: "hours", t0: "2025-11-28T09:10:00Z", t1: "2025-11-28T14:00:00Z", width: 600,
			want: []string{"09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00"}},
		{name: "days", t0: "2025-11-14T00:00:00Z", t1: "2025-11-21T12:00:00Z", width: 600,
			want: []string{"14 Nov", "15 Nov", "16 Nov", "17 Nov", "18 Nov", "19 Nov", "20 Nov", "21 Nov"}},
		{name: "mondays", t0: "2025-10-01T00:00:00Z", t1: "2025-12-01T00:00:00Z", width: 600,
			want: []string{"6 Oct", "13 Oct", "20 Oct", "27 Oct", "3 Nov", "10 Nov", "17 Nov", "24 Nov", "1 Dec"}},
		{name: "quarters", t0: "2024-02-10T00:00:00Z", t1: "2025-12-01T00:00:00Z", width: 700,
			want: []string{"Apr 2024", "Jul 2024", "Oct 2024", "Jan 2025", "Apr 2025", "Jul 2025", "Oct 2025"}},
		{name: "years", t0: "1974-09-24T00:00:00Z", t1: "2025-12-01T00:00:00Z", width: 500,
			want: []string{"1980", "1990", "2000", "2010", "2020"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range timeTicks(at(tt.t0), at(tt.t1), tt.width, width) {
				got = append(got, tk.label)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		name     string
		lo, hi   float64
		n        int
		want     []string
		wlo, whi float64
	}{
		{name: "index points", lo: 0, hi: 73.5, n: 4, want: []string{"0", "20", "40", "60", "80"}, wlo: 0, whi: 80},
		{name: "yields", lo: 0.93, hi: 1.05, n: 3, want: []string{"0.90", "0.95", "1.00", "1.05"}, wlo: 0.9, whi: 1.05},
		{name: "flows across zero", lo: -1.2, hi: 0.45, n: 3, want: []string{"-2", "-1", "0", "1"}, wlo: -2, whi: 1},
		{name: "quarter steps", lo: 0, hi: 0.7, n: 3, want: []string{"0.00", "0.25", "0.50", "0.75"}, wlo: 0, whi: 0.75},
		{name: "flat", lo: 5, hi: 5, n: 3, want: []string{"4", "5", "6"}, wlo: 4, whi: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ticks, lo, hi := niceTicks(tt.lo, tt.hi, tt.n)
			assert.Equal(t, tt.want, formatTicks(ticks))
			assert.InDelta(t, tt.wlo, lo, 1e-9)
			assert.InDelta(t, tt.whi, hi, 1e-9)
		})
	}
}
