// Package chschema is carrywatch's ClickHouse schema: the dialect of the
// server it is created on, the rendering of the versioned, templated
// migrations under schemas/clickhouse for one server or a cluster, and
// Migrate, which applies them. It holds no connection of its own: callers
// pass a driver.Conn (chfx.Client does at start-up).
//
// # Dialects
//
// The DDL targets current ClickHouse (DateTime64, LowCardinality, column
// codecs, TTL) and degrades explicitly, by detected server version
// ([DetectDialect]), on older servers such as Debian's 18.16: timestamps
// become UInt64 Unix milliseconds, LowCardinality(String) becomes String,
// codecs and TTL are left out. The sink builds rows with [Dialect.Time] and
// [Dialect.NullableTime] so the same code writes to both.
//
// # Migrations
//
// Migrations are the files schemas/clickhouse/NNNN_<verb>_<object>.sql,
// applied in version order. Each file is a Go text/template (see [RenderFS]
// for the data and functions) whose statements are separated by a line
// holding only ";". Every statement is idempotent, applied migrations are
// recorded in <database>.schema_migrations with the SHA-256 of the file, and
// an applied file must never change: add a new number instead
// ([ErrChecksumMismatch]).
//
// # Clusters
//
// A [Target] with a Cluster (chfx.Config.Cluster, CW_CLICKHOUSE_CLUSTER)
// renders the same migrations for a ClickHouse cluster: every statement runs
// ON CLUSTER, each table is a replicated <table>_local on every shard behind
// a Distributed <table> sharded by cityHash64(id), the views read the
// Distributed tables, and schema_migrations is replicated across the whole
// cluster. Writers and readers name the same tables in both layouts; a
// database migrated for one layout is never migrated for the other
// ([ErrLayoutMismatch]).
package chschema
