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
	// ErrNoServerBinary means no ClickHouse server binary was found on this
	// machine.
	ErrNoServerBinary = errors.New("no clickhouse server binary found (install it with `apt-get install -y clickhouse-server` or the official packages from https://clickhouse.com/docs/install)")
	// ErrServerExited means a local server process exited before it became
	// ready, or while it was expected to run.
	ErrServerExited = errors.New("clickhouse server exited")
)
