package scorer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// maxRetryDelay caps retryDelay.
const maxRetryDelay = 10 * time.Second

// retryDelay is the wait before the n-th retry (from 1) of anything the
// scorer retries (a publish, its consumer, a start step): n seconds, at
// most maxRetryDelay.
func retryDelay(n uint64) time.Duration {
	return min(time.Duration(n)*time.Second, maxRetryDelay)
}

// attemptTimeout bounds one JetStream request of a start step or of a
// consumer re-creation, so a request no server answers (a cluster without
// a meta leader yet) is retried instead of using up the caller's time.
const attemptTimeout = 5 * time.Second

// JetStream API error codes that a cluster still forming answers with.
const (
	errCodeClusterNoPeers        = 10005 // no suitable peers for placement
	errCodeClusterNotAvailable   = 10008 // no meta leader
	errCodeInsufficientResources = 10023 // too few JetStream peers known yet
)

// settling reports whether err is what JetStream answers while a cluster
// is still forming (no meta leader, too few peers known, no answer in
// time), so that the same request may succeed a little later.
func settling(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case errCodeClusterNoPeers, errCodeClusterNotAvailable, errCodeInsufficientResources:
			return true
		}
		return false
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout)
}

// retryStart runs op, each attempt bounded by attemptTimeout, until it
// succeeds, fails in a way that waiting does not cure, or ctx ends; it
// backs off with retryDelay between attempts and logs each retry. The
// error starts with step, so a failed start names what it was doing, and
// when ctx ends it carries the last answer JetStream gave.
func retryStart(ctx context.Context, log zerolog.Logger, step string, op func(context.Context) error) error {
	var last error
	for attempt := uint64(1); ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		err := op(actx)
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			if last == nil || !errors.Is(err, ctx.Err()) {
				last = err // else this attempt was only cut short: keep the one before
			}
			return gaveUp(step, ctx.Err(), attempt, last)
		case !settling(err):
			return fmt.Errorf("%s: %w", step, err)
		case errors.Is(err, context.DeadlineExceeded):
			err = fmt.Errorf("no answer in %s: %w", attemptTimeout, err)
		}
		last = err
		delay := retryDelay(attempt)
		log.Warn().Err(err).Str("step", step).Uint64("attempt", attempt).Dur("retry_in", delay).
			Msg("jetstream not ready, retrying")
		select {
		case <-ctx.Done():
			return gaveUp(step, ctx.Err(), attempt, last)
		case <-time.After(delay):
		}
	}
}

// gaveUp is retryStart's error when ctx ended after attempts; last is
// the last answer, or ctx's error if the first attempt was cut short.
func gaveUp(step string, ctxErr error, attempts uint64, last error) error {
	if attempts == 1 && last == ctxErr {
		return fmt.Errorf("%s: %w", step, last)
	}
	return fmt.Errorf("%s: %w at attempt %d, the last answer: %w", step, ctxErr, attempts, last)
}
