// Package chfx owns carrywatch's ClickHouse connection: its configuration,
// the dialect of the server it talks to, the versioned migrations under
// schemas/clickhouse, a local server for laptops and tests, and the fx module
// that connects and migrates at start-up.
//
// # Dialects
//
// The DDL targets current ClickHouse (DateTime64, LowCardinality, column
// codecs, TTL) and degrades explicitly, by detected server version, on older
// servers such as Debian's 18.16: timestamps become UInt64 Unix milliseconds,
// LowCardinality(String) becomes String, codecs and TTL are left out. The
// sink builds rows with [Dialect.Time] and [Dialect.NullableTime] so the same
// code writes to both.
//
// # Migrations
//
// Migrations are the files schemas/clickhouse/NNNN_<verb>_<object>.sql,
// applied in version order. Each file is a Go text/template (see [Render] for
// the data and functions) whose statements are separated by a line holding
// only ";". Every statement is idempotent, applied migrations are recorded in
// <database>.schema_migrations with the SHA-256 of the file, and an applied
// file must never change: add a new number instead ([ErrChecksumMismatch]).
//
// # Clusters
//
// With Config.Cluster set (CW_CLICKHOUSE_CLUSTER) the same migrations render
// for a ClickHouse cluster ([Target]): every statement runs ON CLUSTER, each
// table is a replicated <table>_local on every shard behind a Distributed
// <table> sharded by cityHash64(id), the views read the Distributed tables,
// and schema_migrations is replicated across the whole cluster. Writers and
// readers name the same tables in both layouts; a database migrated for one
// layout is never migrated for the other ([ErrLayoutMismatch]).
//
// # Old servers
//
// clickhouse-go talks to 18.16 over the native protocol only, and inserts
// must go through PrepareBatch with the columns named
// ("INSERT INTO db.t (a, b)"): an Exec of "INSERT … VALUES (…)" makes 18.16
// wait for data blocks and the call hangs until its context or the read
// timeout ends. INSERT … SELECT works. Never TRUNCATE there; isolate with
// DROP/CREATE DATABASE.
package chfx
