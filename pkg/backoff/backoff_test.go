package backoff_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/carrywatch/carrywatch/pkg/backoff"
)

func TestDelay(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name   string
		policy backoff.Policy
		want   []time.Duration // for n = 1, 2, …
	}{
		{name: "doubling to a cap", policy: backoff.Policy{First: 100 * ms, Max: 5 * time.Second},
			want: []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 3200 * ms, 5 * time.Second, 5 * time.Second}},
		{name: "cap not a power of two of first", policy: backoff.Policy{First: 25 * ms, Max: time.Second},
			want: []time.Duration{25 * ms, 50 * ms, 100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second}},
		{name: "uncapped", policy: backoff.Policy{First: 20 * ms},
			want: []time.Duration{20 * ms, 40 * ms, 80 * ms, 160 * ms}},
		{name: "linear", policy: backoff.Policy{First: time.Second, Step: time.Second, Max: 10 * time.Second},
			want: []time.Duration{1 * time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second,
				6 * time.Second, 7 * time.Second, 8 * time.Second, 9 * time.Second, 10 * time.Second, 10 * time.Second}},
		{name: "first at the cap", policy: backoff.Policy{First: time.Second, Max: time.Second},
			want: []time.Duration{time.Second, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, want := range tt.want {
				assert.Equal(t, want, tt.policy.Delay(i+1), "n=%d", i+1)
			}
		})
	}
	assert.Equal(t, 100*time.Millisecond, backoff.Policy{First: 100 * time.Millisecond}.Delay(0), "n below 1 counts as 1")
	assert.Greater(t, backoff.Policy{First: time.Millisecond}.Delay(math.MaxInt32), time.Duration(0), "no overflow")
}

func TestRetry(t *testing.T) {
	t.Run("tries", func(t *testing.T) {
		r := backoff.Policy{First: time.Microsecond, Tries: 3}.Start(context.Background(), nil)
		assert.True(t, r.Wait())
		assert.True(t, r.Wait())
		assert.False(t, r.Wait(), "the third failure is the last try")
		assert.NoError(t, r.Err())
		assert.Equal(t, 3, r.Failures())
	})
	t.Run("next and reset", func(t *testing.T) {
		r := backoff.Policy{First: time.Microsecond, Max: 4 * time.Microsecond}.Start(context.Background(), nil)
		assert.Equal(t, time.Microsecond, r.Next())
		assert.True(t, r.Wait())
		assert.Equal(t, 2*time.Microsecond, r.Next())
		r.Reset()
		assert.Equal(t, 0, r.Failures())
		assert.Equal(t, time.Microsecond, r.Next())
	})
	t.Run("context ends the wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := backoff.Policy{First: time.Hour}.Start(ctx, nil)
		assert.False(t, r.Wait())
		assert.ErrorIs(t, r.Err(), context.Canceled)
	})
	t.Run("stop ends the wait", func(t *testing.T) {
		stop := make(chan struct{})
		close(stop)
		r := backoff.Policy{First: time.Hour}.Start(context.Background(), stop)
		assert.False(t, r.Wait())
		assert.ErrorIs(t, r.Err(), backoff.ErrStopped)
		r.Reset()
		assert.NoError(t, r.Err())
	})
	t.Run("waits the delay", func(t *testing.T) {
		r := backoff.Policy{First: 20 * time.Millisecond}.Start(context.Background(), nil)
		start := time.Now()
		assert.True(t, r.Wait())
		assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	})
}

func TestSleep(t *testing.T) {
	t.Run("waits the duration", func(t *testing.T) {
		start := time.Now()
		assert.NoError(t, backoff.Sleep(context.Background(), 20*time.Millisecond))
		assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	})
	t.Run("context ends the wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.ErrorIs(t, backoff.Sleep(ctx, time.Hour), context.Canceled)
	})
	t.Run("no wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.NoError(t, backoff.Sleep(ctx, 0), "nothing to wait for, even when the context has ended")
	})
}
