package scorer

import (
	"time"

	"github.com/carrywatch/carrywatch/pkg/backoff"
)

// retryBackoff spaces the retries of a publish and of the consumer: n
// seconds before the n-th, at most 10 s.
var retryBackoff = backoff.Policy{First: time.Second, Step: time.Second, Max: 10 * time.Second}

// attemptTimeout bounds one JetStream request of a consumer re-creation, so
// a request no server answers (a cluster without a meta leader yet) is
// retried instead of using up the caller's time. Start steps are retried by
// natsfx.RetryJetStream.
const attemptTimeout = 5 * time.Second
