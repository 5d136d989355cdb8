// Package backoff paces retry loops: how long to wait after each
// consecutive failure ([Policy.Delay]) and the wait itself, which ends
// early when the caller's context ends or a stop channel closes
// ([Policy.Start], [Retry.Wait]); [Sleep] waits one fixed duration,
// ending early when the context ends.
//
// The delays are deterministic; a caller that spreads its retries (a
// fleet reconnecting, a poller) applies its own jitter to Delay's result.
package backoff

import (
	"context"
	"errors"
	"math"
	"time"
)

// ErrStopped is [Retry.Err] after a wait ended because the stop channel
// given to [Policy.Start] closed.
var ErrStopped = errors.New("stopped")

// Policy is how a retry loop waits: First after the first failure, then
// doubled per consecutive failure (or, with Step set, grown by Step), at
// most Max; Tries bounds the attempts.
type Policy struct {
	// First is the wait after the first failure.
	First time.Duration
	// Step, if positive, makes the wait grow by Step per failure instead
	// of doubling.
	Step time.Duration
	// Max caps the wait; 0 leaves it uncapped.
	Max time.Duration
	// Tries is the most attempts a loop makes; 0 leaves them unbounded.
	Tries int
}

// Delay returns the wait after the n-th consecutive failure (n from 1;
// below 1 counts as 1): First doubled n-1 times, or First + (n-1)·Step,
// at most Max. Without Max, doubling stops before it would overflow.
func (p Policy) Delay(n int) time.Duration {
	d := p.First
	for i := 1; i < n && (p.Max <= 0 || d < p.Max); i++ {
		if p.Step > 0 {
			d += p.Step
			continue
		}
		if d <= 0 || d > math.MaxInt64/2 {
			break
		}
		d *= 2
	}
	if p.Max > 0 {
		d = min(d, p.Max)
	}
	return d
}

// Start returns a Retry for one loop of p. Its waits end early when ctx
// ends or, if not nil, stop closes.
func (p Policy) Start(ctx context.Context, stop <-chan struct{}) *Retry {
	return &Retry{p: p, ctx: ctx, stop: stop}
}

// Retry paces the attempts of one loop: call Wait after each failed
// attempt, Reset after a success when the loop goes on. Not safe for
// concurrent use.
type Retry struct {
	p        Policy
	ctx      context.Context
	stop     <-chan struct{}
	failures int
	err      error
}

// Wait records a failed attempt and waits before the next one. It returns
// false at once when that was the last of Policy.Tries attempts (Err is
// nil then), and false when ctx ends or stop closes during the wait (Err
// is ctx.Err() or [ErrStopped]).
func (r *Retry) Wait() bool {
	r.failures++
	if r.p.Tries > 0 && r.failures >= r.p.Tries {
		return false
	}
	t := time.NewTimer(r.p.Delay(r.failures))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.ctx.Done():
		r.err = r.ctx.Err()
	case <-r.stop:
		r.err = ErrStopped
	}
	return false
}

// Next returns the wait the next call of Wait makes.
func (r *Retry) Next() time.Duration { return r.p.Delay(r.failures + 1) }

// Failures returns the failed attempts recorded since Start or Reset.
func (r *Retry) Failures() int { return r.failures }

// Reset forgets the failures: the next Wait waits Policy.First again.
func (r *Retry) Reset() { r.failures, r.err = 0, nil }

// Err returns why the last Wait returned false: ctx's error,
// [ErrStopped], or nil when the tries ran out.
func (r *Retry) Err() error { return r.err }

// Sleep waits d, ending early when ctx ends; it returns ctx.Err() then and
// nil otherwise. A d of zero or less returns nil at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
