package scorer

import "time"

// maxRetryDelay caps retryDelay.
const maxRetryDelay = 10 * time.Second

// retryDelay is the wait before the n-th retry (from 1) of anything the
// scorer retries (a publish): n seconds, at
// most maxRetryDelay.
func retryDelay(n uint64) time.Duration {
	return min(time.Duration(n)*time.Second, maxRetryDelay)
}
