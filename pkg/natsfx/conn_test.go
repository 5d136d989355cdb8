package natsfx

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestReconnectDelay(t *testing.T) {
	const base, max = 250 * time.Millisecond, 10 * time.Second
	tests := []struct {
		name     string
		attempts int
		rnd      float64
		want     time.Duration
	}{
		{name: "first round, no jitter", attempts: 1, rnd: 0, want: 125 * time.Millisecond},
		{name: "first round, full jitter", attempts: 1, rnd: 0.999999, want: 249999875 * time.Nanosecond},
		{name: "second round doubles", attempts: 2, rnd: 0, want: 250 * time.Millisecond},
		{name: "sixth round", attempts: 6, rnd: 0.5, want: 6 * time.Second},
		{name: "capped", attempts: 7, rnd: 0, want: 5 * time.Second},
		{name: "capped far out, no overflow", attempts: 10_000, rnd: 0.5, want: 7500 * time.Millisecond},
		{name: "attempts 0 treated as first", attempts: 0, rnd: 0, want: 125 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reconnectDelay(base, max, tt.attempts, func() float64 { return tt.rnd })
			assert.Equal(t, tt.want, got)
		})
	}
}
