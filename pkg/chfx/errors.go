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
	// ErrBadVersion means the server's version string could not be parsed.
	ErrBadVersion = errors.New("unparsable clickhouse version")
	// ErrBadMigration means a migration file is misnamed, duplicated, empty or
	// does not render.
	ErrBadMigration = errors.New("bad migration file")
	// ErrChecksumMismatch means a migration recorded as applied has since
	// been edited. Applied migrations must never change: add a new one.
	ErrChecksumMismatch = errors.New("applied migration was edited")
	// ErrLayoutMismatch means a database migrated for a single server is
	// being migrated for a cluster, or the reverse.
	ErrLayoutMismatch = errors.New("database was migrated for another layout")
	// ErrNoServerBinary means no ClickHouse server binary was found on this
	// machine.
	ErrNoServerBinary = errors.New("no clickhouse server binary found (install it with `apt-get install -y clickhouse-server` or the official packages from https://clickhouse.com/docs/install)")
	// ErrServerExited means a local server process exited before it became
	// ready, or while it was expected to run.
	ErrServerExited = errors.New("clickhouse server exited")
)
