package scorer

import "errors"

var (
	// ErrNotStarted is returned by Ready before Start.
	ErrNotStarted = errors.New("scorer not started")
	// ErrBusNotStarted means the scorer was started before its NATS bus.
	ErrBusNotStarted = errors.New("nats bus not started before the scorer")
)
