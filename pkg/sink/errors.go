package sink

import "errors"

var (
	// ErrNotStarted is returned by Ready before Start.
	ErrNotStarted = errors.New("sink not started")
	// ErrConsumerClosed means JetStream stopped delivering to a consumer the
	// sink did not stop (deleted, or a terminal pull error); the sink
	// recreates it.
	ErrConsumerClosed = errors.New("consumer closed unexpectedly")
)
