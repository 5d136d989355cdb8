package scorer

import "time"

// maxRetryDelay caps retryDelay.
const maxRetryDelay = 10 * time.Second

// retryDelay is the wait before the n-th retry (from 1) of anything the
// scorer retries (a publish, its consumer): n seconds, at
// most maxRetryDelay.
func retryDelay(n uint64) time.Duration {
	return min(time.Duration(n)*time.Second, maxRetryDelay)
}

// attemptTimeout bounds one JetStream request made to recreate the
// consumer, so a request no server answers is retried.
const attemptTimeout = 5 * time.Second
