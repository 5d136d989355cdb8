package scorer

import "errors"

var (
	// ErrInvalidConfig means a Config setting cannot work; the wrapping
	// error names its environment variable.
	ErrInvalidConfig = errors.New("invalid scorer config")
	// ErrNotStarted is returned by Ready before Start.
	ErrNotStarted = errors.New("scorer not started")
	// ErrBusNotStarted means the scorer was started before its NATS bus.
	ErrBusNotStarted = errors.New("nats bus not started before the scorer")
	// ErrConsumerClosed means JetStream stopped delivering CW_EVENTS to the
	// scorer without being asked (the connection closed for good); the
	// scorer reports it through Ready and recreates its consumer.
	ErrConsumerClosed = errors.New("consumer closed unexpectedly")
)
