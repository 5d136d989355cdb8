package chschema

import "errors"

// Sentinel errors. Errors returned by this package wrap at most one of them,
// so callers can branch with errors.Is.
var (
	// ErrInvalidTarget means a Target's database or cluster name cannot be
	// spliced into DDL.
	ErrInvalidTarget = errors.New("invalid schema target")
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
)
