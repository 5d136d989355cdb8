package sink

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestAckFloorObserve(t *testing.T) {
	t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		at           time.Duration // after t0
		seq, pending uint64
		want         time.Duration
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "first reading", steps: []step{{at: 0, seq: 5, pending: 3, want: 0}}},
		{name: "stuck with messages pending", steps: []step{
			{at: 0, seq: 5, pending: 3}, {at: time.Minute, seq: 5, pending: 3, want: time.Minute},
			{at: time.Hour, seq: 5, pending: 1, want: time.Hour},
		}},
		{name: "moving", steps: []step{
			{at: 0, seq: 5, pending: 3}, {at: time.Minute, seq: 6, pending: 3}, {at: 2 * time.Minute, seq: 6, pending: 3, want: time.Minute},
		}},
		{name: "idle: nothing pending", steps: []step{
			{at: 0, seq: 5, pending: 0}, {at: time.Hour, seq: 5, pending: 0},
		}},
		{name: "stuck since messages arrived", steps: []step{
			{at: 0, seq: 5, pending: 0}, {at: time.Hour, seq: 5, pending: 0},
			{at: time.Hour + time.Minute, seq: 5, pending: 2, want: time.Minute},
		}},
		{name: "clock stepped back", steps: []step{
			{at: time.Hour, seq: 5, pending: 3}, {at: 0, seq: 5, pending: 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a ackFloor
			for i, s := range tt.steps {
				assert.Equal(t, s.want, a.observe(s.seq, s.pending, t0.Add(s.at)), "step %d", i)
			}
		})
	}
}
