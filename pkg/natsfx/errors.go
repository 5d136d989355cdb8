package natsfx

import "errors"

// Sentinel errors. Errors returned by this package wrap at most one of them,
// so callers can branch with errors.Is.
var (
	// ErrInvalidConfig means a Config field is missing, out of range or in
	// conflict with another; the wrapping error names the environment
	// variable.
	ErrInvalidConfig = errors.New("invalid nats config")
	// ErrEmbeddedNotReady means the embedded nats-server did not accept
	// connections in time (usually the listen address is taken).
	ErrEmbeddedNotReady = errors.New("embedded nats server not ready")
	// ErrNotStarted means the Bus has not been started, or has been stopped.
	ErrNotStarted = errors.New("nats bus not started")
	// ErrAlreadyStarted means Start was called on a running Bus.
	ErrAlreadyStarted = errors.New("nats bus already started")
	// ErrStreamMissing means a CW_* stream does not exist, or does not
	// capture its subjects, and this service may not create it
	// (CW_NATS_MANAGE_STREAMS=false); the wrapping error names it.
	ErrStreamMissing = errors.New("nats stream missing")
	// ErrNotConnected means the connection exists but is not currently
	// connected (reconnecting, draining or closed); the wrapping error says
	// which.
	ErrNotConnected = errors.New("nats not connected")
)
