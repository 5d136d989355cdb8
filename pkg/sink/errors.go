package sink

import "errors"

var (
	// ErrInvalidConfig means a Config setting cannot work, alone or with
	// the others; the wrapping error names its environment variable.
	ErrInvalidConfig = errors.New("invalid sink config")
	// ErrNotStarted is returned by Ready before Start.
	ErrNotStarted = errors.New("sink not started")
	// ErrBusNotStarted means the sink was started before its NATS bus.
	ErrBusNotStarted = errors.New("nats bus not started before the sink")
	// ErrConsumerClosed means JetStream stopped delivering to a consumer the
	// sink did not stop (deleted, or a terminal pull error); the sink
	// recreates it.
	ErrConsumerClosed = errors.New("consumer closed unexpectedly")
	// ErrAckFloorStalled means a consumer's ack floor has not moved for
	// longer than AckStallMax while it had messages pending: a message is
	// neither stored nor dead-lettered.
	ErrAckFloorStalled = errors.New("ack floor stalled")
)
