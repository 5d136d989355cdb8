package bench

import (
	"github.com/rs/zerolog"
)

// Env is where a benchmark runs: a NATS server with the carrywatch streams
// and a ClickHouse database migrated to the current schema.
type Env struct {
	// NATSURL is a JetStream-enabled server; streams are created if absent.
	NATSURL string
	// ClickHouseAddr is host:port of the native protocol.
	ClickHouseAddr string
	// Database is a migrated carrywatch database the benchmark may fill.
	Database string
	// Log receives progress at debug level.
	Log zerolog.Logger
}
