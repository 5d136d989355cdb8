package chschema

import (
	"regexp"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

// Target is where the migrations create carrywatch's objects: a database on
// one server, or a database on every node of a ClickHouse cluster.
//
// On a cluster every statement runs ON CLUSTER, each table <t> is a
// replicated table <t>_local on every shard (Replicated…MergeTree, keeper
// path /clickhouse/tables/{shard}/<database>/<t>_local, replica {replica})
// behind a Distributed table <t> that spreads rows over the shards by
// cityHash64(id), and the views read the Distributed tables. Writers and
// readers name <t> in both layouts.
type Target struct {
	// Database is spliced into DDL unquoted, so it must match
	// ^[A-Za-z_][A-Za-z0-9_]*$.
	Database string
	// Cluster names a cluster of the servers' remote_servers; empty means a
	// single server. It is spliced into DDL unquoted, so it must match
	// ^[A-Za-z_][A-Za-z0-9_]*$.
	Cluster string
}

// reIdent matches the names spliced into DDL unquoted.
var reIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports an unusable database name and an unusable cluster
// name, each wrapping ErrInvalidTarget.
func (t Target) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidTarget}
	if !reIdent.MatchString(t.Database) {
		p.Addf("database %q must match %s", t.Database, reIdent)
	}
	if t.Cluster != "" && !reIdent.MatchString(t.Cluster) {
		p.Addf("cluster %q must match %s", t.Cluster, reIdent)
	}
	return p.Err()
}

// String names the target for logs and errors: "carrywatch" or
// "carrywatch on cluster main".
func (t Target) String() string {
	if t.Cluster == "" {
		return t.Database
	}
	return t.Database + " on cluster " + t.Cluster
}

// localSuffix names the replicated table behind a Distributed one.
const localSuffix = "_local"

// storage returns the name of the table that stores table's rows: table
// itself on a single server, table_local on a cluster.
func (t Target) storage(table string) string {
	if t.Cluster == "" {
		return table
	}
	return table + localSuffix
}

// replicaPath returns the keeper path of the replicated table local, one
// per shard.
func (t Target) replicaPath(local string) string {
	return "/clickhouse/tables/{shard}/" + t.Database + "/" + local
}
