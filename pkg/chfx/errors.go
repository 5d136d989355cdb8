package chfx

import "errors"

// Sentinel errors. Errors returned by this package wrap at most one of them,
// so callers can branch with errors.Is.
var (
	// ErrInvalidConfig means a Config field has a value that cannot work.
	ErrInvalidConfig = errors.New("invalid clickhouse config")
	// ErrNotConfigured means Config.Addr is empty, so there is no server to
	// connect to (the CLI then starts a local one).
	ErrNotConfigured = errors.New("clickhouse address not configured")
	// ErrNotStarted means a Client was used before Start succeeded or after
	// Stop.
	ErrNotStarted = errors.New("clickhouse client not started")
)
