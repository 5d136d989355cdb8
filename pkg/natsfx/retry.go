package natsfx

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/backoff"
)

// StartTimeout is how long a service may take to start (fx.StartTimeout):
// a NATS cluster that has just formed can take tens of seconds to elect its
// JetStream meta leader, and fx's default of 15 s ended such starts with a
// bare "context deadline exceeded".
const StartTimeout = time.Minute

// Bounds of [RetryJetStream]: one attempt may take attemptTimeout; the
// delay between attempts doubles from retryFirstDelay to retryMaxDelay.
const (
	attemptTimeout  = 5 * time.Second
	retryFirstDelay = 250 * time.Millisecond
	retryMaxDelay   = 2 * time.Second
	// retryMargin is what RetryJetStream leaves of its context's time, so
	// the error naming the step reaches the caller before the caller's own
	// deadline does (fx reports a start that overruns only as "context
	// deadline exceeded").
	retryMargin = time.Second
)

// JetStream API error codes that mean "not yet", seen while a cluster
// elects its meta leader or learns its peers.
const (
	codeClusterNoPeers       jetstream.ErrorCode = 10005 // no suitable peers for placement
	codeClusterNotAvailable  jetstream.ErrorCode = 10008 // JetStream system temporarily unavailable
	codeClusterNotLeader     jetstream.ErrorCode = 10009 // JetStream cluster can not handle request
	codeInsufficientResource jetstream.ErrorCode = 10023 // insufficient resources
	codeStreamOffline        jetstream.ErrorCode = 10118 // stream is offline
)

// Transient reports whether err from a JetStream API request may succeed if
// sent again: no answer in time, no responder, or the server saying its
// cluster is not ready (no meta leader yet, peers unknown, stream offline).
// A refusal on the request's merits, such as a bad configuration or a
// missing permission, is not transient.
func Transient(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, jetstream.ErrJetStreamNotEnabled) {
		return true
	}
	var api *jetstream.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode {
		case codeClusterNoPeers, codeClusterNotAvailable, codeClusterNotLeader,
			codeInsufficientResource, codeStreamOffline:
			return true
		}
	}
	return false
}

// RetryJetStream runs one start-up step against JetStream, named by step
// ("ensure stream CW_EVENTS"), until it succeeds, fails with an error that
// is not [Transient], or ctx is about to end. Each attempt gets at most
// 5 s; attempts are spaced 250 ms doubling to 2 s, and each failure is
// logged at Warn with the step. When ctx has a deadline, it gives up a
// second before it. The error names the step, the attempts made and the
// last failure, so a start that cannot finish says which step it was on.
func RetryJetStream(ctx context.Context, log zerolog.Logger, step string, fn func(ctx context.Context) error) error {
	start := time.Now()
	retry := jetStreamBackoff.Start(ctx, nil)
	for {
		actx, cancel := attemptContext(ctx)
		err := fn(actx)
		cancel()
		attempt := retry.Failures() + 1
		if err == nil {
			if attempt > 1 {
				log.Info().Str("step", step).Int("attempts", attempt).Dur("elapsed", time.Since(start)).
					Msg("jetstream step done after retries")
			}
			return nil
		}
		if !Transient(err) || ctx.Err() != nil {
			return fmt.Errorf("%s: %w", step, err)
		}
		delay := retry.Next()
		if !timeLeft(ctx, delay+retryMargin) {
			return fmt.Errorf("%s: gave up after %d attempts in %s: %w",
				step, attempt, time.Since(start).Round(time.Millisecond), err)
		}
		log.Warn().Err(err).Str("step", step).Int("attempt", attempt).Dur("retry_in", delay).
			Msg("jetstream not ready, will retry")
		if !retry.Wait() {
			return fmt.Errorf("%s: %w (last error: %v)", step, retry.Err(), err)
		}
	}
}

// jetStreamBackoff spaces RetryJetStream's attempts.
var jetStreamBackoff = backoff.Policy{First: retryFirstDelay, Max: retryMaxDelay}

// attemptContext bounds one attempt to attemptTimeout and to ctx's deadline
// less retryMargin.
func attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := attemptTimeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if d = min(d, left-retryMargin); d <= 0 {
			d = left / 2 // too little left for the margin: half of it
		}
	}
	return context.WithTimeout(ctx, d)
}

// timeLeft reports whether ctx leaves at least d.
func timeLeft(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) >= d
}
