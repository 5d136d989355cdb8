package scorer

import (
	"time"
)

// maxRetryDelay caps retryDelay.
const maxRetryDelay = 10 * time.Second

// retryDelay is the wait before the n-th retry (from 1) of a publish or of
// the consumer: n seconds, at
// most maxRetryDelay.
func retryDelay(n uint64) time.Duration {
	return min(time.Duration(n)*time.Second, maxRetryDelay)
}

// attemptTimeout bounds one JetStream request of a consumer re-creation, so
// a request no server answers (a cluster without a meta leader yet) is
// retried instead of using up the caller's time. Start steps are retried by
// natsfx.RetryJetStream.
const attemptTimeout = 5 * time.Second
