// Package chfx owns carrywatch's ClickHouse connection: its configuration
// ([Config], variables CW_CLICKHOUSE_*), [Open], and the [Client] that the fx
// [Module] starts with the application: it connects, detects the server's
// dialect and brings the schema up to date (package chschema), then closes
// at stop.
//
// The schema itself (dialects, the templated migrations, cluster rendering,
// Migrate) is package chschema; a ClickHouse server run as a child process,
// for `carrywatch up` and the tests, is package chlocal.
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
