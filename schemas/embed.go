// Package schemas embeds carrywatch's contracts: the JSON Schema of every
// message (events/<kind>/v1/*.json) and the ClickHouse migrations
// (clickhouse/NNNN_<verb>_<object>.sql).
package schemas

import "embed"

// Events holds events/<kind>/v1/<kind>.json, one JSON Schema per message.
//
//go:embed events
var Events embed.FS

// ClickHouse holds the numbered migrations, clickhouse/NNNN_*.sql.
//
//go:embed clickhouse
var ClickHouse embed.FS
