package chschema_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chlocal"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// clusterNode is one server of the test cluster and a connection to it.
type clusterNode struct {
	name string
	srv  *chlocal.Server
	conn driver.Conn
}

// count runs a query returning one UInt64 on n.
func (n clusterNode) count(t *testing.T, query string) uint64 {
	t.Helper()
	var c uint64
	require.NoError(t, n.conn.QueryRow(t.Context(), query).Scan(&c), "%s on %s", query, n.name)
	return c
}

// syncReplicas waits until every replica of table on the cluster has
// fetched what the others have (SYSTEM SYNC REPLICA).
func syncReplicas(t *testing.T, nodes []clusterNode, table string) {
	t.Helper()
	for _, n := range nodes {
		require.NoError(t, n.conn.Exec(t.Context(), "SYSTEM SYNC REPLICA "+table), "%s on %s", table, n.name)
	}
}

// TestMigrateOnCluster migrates a real cluster (2 shards × 2 replicas of
// local servers and a ZooKeeper) through two servers at once, then checks
// every server's objects and records, that rows written through the
// Distributed tables land on one shard per event and read back once
// through every view from any server, and that the cluster refuses a
// single-server migration.
func TestMigrateOnCluster(t *testing.T) {
	zk := chtest.ZooKeeper(t)
	const cluster = "carrywatch"
	c := chtest.NewCluster(t, zk, cluster, 2, 2)
	ctx := t.Context()

	var nodes []clusterNode
	for s, replicas := range c.Shards {
		for r, srv := range replicas {
			conn, err := chfx.Open(ctx, chfx.Config{Addr: []string{srv.Addr()}})
			require.NoError(t, err)
			t.Cleanup(func() { _ = conn.Close() })
			nodes = append(nodes, clusterNode{name: fmt.Sprintf("s%dr%d", s, r), srv: srv, conn: conn})
		}
	}
	d, err := chschema.DetectDialect(ctx, nodes[0].conn)
	require.NoError(t, err)
	t.Logf("ClickHouse %s, %d servers", d.Version, len(nodes))
	target := chschema.Target{Database: "cw_cluster", Cluster: cluster}

	// Two migrators through servers of different shards, at once.
	var wg sync.WaitGroup
	results := make([][]chschema.Migration, 2)
	errs := make([]error, 2)
	for i, n := range []clusterNode{nodes[0], nodes[3]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = chschema.Migrate(ctx, n.conn, target, d, chtest.Logger(t))
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	migs, err := chschema.Render(d, target)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(results[0])+len(results[1]), len(migs), "every migration applied by at least one")

	sm := target.Database + "." + chschema.MigrationsTable
	syncReplicas(t, nodes, sm)
	third, err := chschema.Migrate(ctx, nodes[1].conn, target, d, chtest.Logger(t))
	require.NoError(t, err)
	assert.Empty(t, third, "a third migrator, through another server, applies nothing")

	wantObjects := objectCount(migs)
	for _, n := range nodes {
		assert.Equal(t, uint64(len(migs)), n.count(t, "SELECT count() FROM "+sm+" FINAL"), "records on %s", n.name)
		assert.Equal(t, uint64(len(migs)), n.count(t, "SELECT uniqExact(version) FROM "+sm), "records on %s", n.name)
		engines := map[string]string{}
		rows, err := n.conn.Query(ctx, "SELECT name, engine FROM system.tables WHERE database = ?", target.Database)
		require.NoError(t, err)
		for rows.Next() {
			var name, engine string
			require.NoError(t, rows.Scan(&name, &engine))
			engines[name] = engine
		}
		require.NoError(t, rows.Err())
		rows.Close()
		assert.Len(t, engines, wantObjects, "objects on %s", n.name)
		assert.Equal(t, "ReplicatedReplacingMergeTree", engines[chschema.MigrationsTable], n.name)
		for _, table := range []string{"jgb_yields", "fed_odds", "etf_flows", "venue_status", "market_quotes", "risk_scores", "dead_letters"} {
			assert.Equal(t, "ReplicatedReplacingMergeTree", engines[table+"_local"], "%s_local on %s", table, n.name)
			assert.Equal(t, "Distributed", engines[table], "%s on %s", table, n.name)
		}
		for _, v := range wantViews {
			assert.Equal(t, "View", engines[v], "%s on %s", v, n.name)
		}
	}

	t.Run("rows", func(t *testing.T) {
		clusterRows(t, nodes, c, target.Database, d)
	})

	// A current database needs no ON CLUSTER statement, so a migrator (a
	// sink starting) does not wait for a server that is down.
	require.NoError(t, nodes[3].srv.Stop())
	quick, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	applied, err := chschema.Migrate(quick, nodes[0].conn, target, d, chtest.Logger(t))
	require.NoError(t, err, "with %s down", nodes[3].name)
	assert.Empty(t, applied)

	_, err = chschema.Migrate(ctx, nodes[2].conn, chschema.Target{Database: target.Database}, d, chtest.Logger(t))
	require.ErrorIs(t, err, chschema.ErrLayoutMismatch, "a single-server migration of a cluster database")
	assert.Contains(t, err.Error(), "CW_CLICKHOUSE_CLUSTER")
}

// clusterRows writes every fixture twice, through servers of different
// shards, as the sink would (synchronous Distributed inserts), plus
// events whose rows fall on both shards for the derived views, and reads
// them back through every server.
func clusterRows(t *testing.T, nodes []clusterNode, c *chlocal.Cluster, db string, d chschema.Dialect) {
	ctx := clickhouse.Context(t.Context(), clickhouse.WithSettings(clickhouse.Settings{"insert_distributed_sync": 1}))
	insert := func(n clusterNode, table string, cols []string, vals ...[]any) {
		t.Helper()
		b, err := n.conn.PrepareBatch(ctx, "INSERT INTO "+db+"."+table+" ("+quotedCols(cols)+")")
		require.NoError(t, err, table)
		for _, v := range vals {
			require.NoError(t, b.Append(v...), table)
		}
		require.NoError(t, b.Send(), table)
	}
	// Each event twice, the second time ingested a minute later and through
	// another shard's server. (A byte-identical batch would not even be
	// stored twice: replicated tables drop a repeated insert block.)
	fs := fixtures()
	for _, f := range fs {
		insert(nodes[0], f.table, f.cols, f.vals(d))
		again := f.vals(d)
		again[3] = d.Time(fixtureNow.Add(time.Minute)) // ingested_at
		insert(nodes[2], f.table, f.cols, again)
	}

	// A Distributed insert returns once one replica of the shard has the
	// rows; a read through another server may use the other replica, so
	// wait until the replicas agree.
	syncAll := func() {
		for _, f := range fs {
			syncReplicas(t, nodes, db+"."+f.table+"_local")
		}
	}
	syncAll()

	// Both copies of each event sit on one shard, where FINAL collapses
	// them; every server reads each event once through its view.
	shardOf := func(table string) []uint64 {
		var perShard []uint64
		for s := range c.Shards {
			n := nodes[2*s]
			perShard = append(perShard, n.count(t, "SELECT count() FROM "+db+"."+table+"_local"))
		}
		return perShard
	}
	for _, f := range fs {
		perShard := shardOf(f.table)
		assert.ElementsMatch(t, []uint64{0, 2}, perShard, "%s: both copies on one shard", f.table)
		for _, n := range nodes {
			assert.Equal(t, uint64(2), n.count(t, "SELECT count() FROM "+db+"."+f.table), "%s on %s", f.table, n.name)
			assert.Equal(t, uint64(1), n.count(t, "SELECT count() FROM "+db+"."+f.view), "%s on %s", f.view, n.name)
		}
	}
	for s, replicas := range c.Shards {
		for _, f := range fs {
			first := nodes[2*s].count(t, "SELECT count() FROM "+db+"."+f.table+"_local")
			second := nodes[2*s+1].count(t, "SELECT count() FROM "+db+"."+f.table+"_local")
			assert.Equal(t, first, second, "%s_local: replicas of shard %d (%d servers)", f.table, s, len(replicas))
		}
	}

	// Derived views over rows of both shards: a later TOTAL of the same ETF
	// day and a later step of the same incident, on the other shard.
	etf := fs[2]
	venue := fs[3]
	require.Equal(t, "etf_flows", etf.table)
	require.Equal(t, "venue_status", venue.table)
	etfShard := shardIndex(shardOf(etf.table))
	venueShard := shardIndex(shardOf(venue.table))
	later := func(f fixture, shard int, edit func(vals []any, at time.Time) []any) []any {
		for minutes := 1; minutes < 1000; minutes++ {
			vals := f.vals(d)
			at := fixtureNow.Add(time.Duration(minutes) * time.Minute)
			vals = edit(vals, at)
			id := vals[0].(string)
			var s uint64
			require.NoError(t, nodes[0].conn.QueryRow(ctx, "SELECT toUInt64(cityHash64(?) % ?)", id, len(c.Shards)).Scan(&s))
			if int(s) != shard {
				return vals
			}
		}
		t.Fatal("no id on the other shard")
		return nil
	}
	newID := func(at time.Time) string {
		return event.NewID("test", "x", at)
	}
	etfLater := later(etf, etfShard, func(vals []any, at time.Time) []any {
		vals[0], vals[2] = newID(at), d.Time(at)
		vals[8] = -1.5e6 // flow_usd: a revision
		return vals
	})
	insert(nodes[1], etf.table, etf.cols, etfLater)
	venueLater := later(venue, venueShard, func(vals []any, at time.Time) []any {
		vals[0], vals[2] = newID(at), d.Time(at)
		vals[7], vals[8] = "resolve", "none" // action, severity
		return vals
	})
	insert(nodes[1], venue.table, venue.cols, venueLater)
	syncAll()
	assert.Equal(t, []uint64{1, 1}, nonZero(shardOf(etf.table)), "etf_flows: the revision on the other shard")
	assert.Equal(t, []uint64{1, 1}, nonZero(shardOf(venue.table)), "venue_status: the resolve on the other shard")

	for _, n := range nodes {
		var flow float64
		var rows uint64
		require.NoError(t, n.conn.QueryRow(ctx, "SELECT count(), any(flow_usd) FROM "+db+".v_etf_flows_total").Scan(&rows, &flow), n.name)
		assert.Equal(t, uint64(1), rows, "v_etf_flows_total: one row per asset and day on %s", n.name)
		assert.Equal(t, -1.5e6, flow, "v_etf_flows_total: the latest TOTAL on %s", n.name)
		var action string
		var steps uint64
		require.NoError(t, n.conn.QueryRow(ctx, "SELECT count(), any(action), any(steps) FROM "+db+".v_venue_incidents").Scan(&rows, &action, &steps), n.name)
		assert.Equal(t, []any{uint64(1), "resolve", uint64(2)}, []any{rows, action, steps}, "v_venue_incidents on %s", n.name)
	}
}

// nonZero returns, for each shard, 1 if it holds rows and 0 if not.
func nonZero(perShard []uint64) []uint64 {
	out := make([]uint64, len(perShard))
	for i, n := range perShard {
		if n > 0 {
			out[i] = 1
		}
	}
	return out
}

// shardIndex returns the index of the one non-zero count.
func shardIndex(perShard []uint64) int {
	for i, n := range perShard {
		if n > 0 {
			return i
		}
	}
	return -1
}
