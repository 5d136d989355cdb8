package chschema_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
)

var legacy = chschema.DialectFor(chschema.Version{Major: 18, Minor: 16, Patch: 1})

func TestRenderEmbedded(t *testing.T) {
	wantNames := []string{
		"0001_create_jgb_yields", "0002_create_fed_odds", "0003_create_etf_flows",
		"0004_create_venue_status", "0005_create_risk_scores", "0006_create_dead_letters",
		"0007_create_views", "0008_create_risk_index_view", "0009_create_market_quotes", "0010_create_market_views",
		"0011_add_risk_scores_etf_cost_basis", "0012_add_views_dt_columns",
	}
	tests := []struct {
		name       string
		dialect    chschema.Dialect
		wantAll    []string // must occur in the rendered DDL
		wantAbsent []string // must not occur
	}{
		{
			name:    "current",
			dialect: chschema.Current,
			wantAll: []string{
				"observed_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1))",
				"source        LowCardinality(String)",
				"yield_pct     Float64 CODEC(ZSTD(1))",
				"DEFAULT now64(3)",
				"Nullable(DateTime64(3, 'UTC')) CODEC(Delta, ZSTD(1))",
				"TTL toDateTime(inserted_at) + INTERVAL 90 DAY",
				"PARTITION BY toYYYYMM(observed_at)",
				"ENGINE = ReplacingMergeTree(ingested_at)",
				"toDate(observed_at) AS observed_date",
				"ADD COLUMN IF NOT EXISTS etf_cost_basis_usd Nullable(Float64) CODEC(ZSTD(1)) AFTER explanation",
			},
			wantAbsent: []string{"UInt64 DEFAULT", "intDiv(", "{{", "}}"},
		},
		{
			name:    "legacy 18.16",
			dialect: legacy,
			wantAll: []string{
				"observed_at   UInt64,",
				"source        String,",
				"yield_pct     Float64,",
				"inserted_at   UInt64 DEFAULT toUInt64(now()) * 1000",
				"resolved_at  Nullable(UInt64),",
				"PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))",
				"toDate(toDateTime(intDiv(observed_at, 1000), 'UTC')) AS observed_date",
				"ADD COLUMN etf_cost_basis_usd Nullable(Float64) AFTER explanation",
			},
			wantAbsent: []string{"DateTime64", "CODEC", "TTL", "LowCardinality", "now64", "IF NOT EXISTS etf", "{{", "}}"},
		},
		{
			name:    "19.6: codecs, LowCardinality, TTL, no DateTime64",
			dialect: chschema.DialectFor(chschema.Version{Major: 19, Minor: 6}),
			wantAll: []string{
				"observed_at   UInt64 CODEC(Delta, ZSTD(1))",
				"TTL toDateTime(intDiv(inserted_at, 1000), 'UTC') + INTERVAL 90 DAY",
				"LowCardinality(String)",
			},
			wantAbsent: []string{"DateTime64", "now64"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			migs, err := chschema.Render(tt.dialect, chschema.Target{Database: "cw_render"})
			require.NoError(t, err)
			var names []string
			var all strings.Builder
			for i, m := range migs {
				names = append(names, m.Name)
				assert.Equal(t, i+1, m.Version)
				assert.Len(t, m.Checksum, 64)
				require.NotEmpty(t, m.Statements, m.Name)
				for _, s := range m.Statements {
					assert.NotContains(t, s, "\n;", "separator left in %s", m.Name)
					assert.False(t, strings.HasPrefix(s, "--"), "comment left in %s", m.Name)
					assert.Contains(t, s, "cw_render.", "%s: statement does not qualify the database", m.Name)
					// DROP only views (to create them again); ADD COLUMN is
					// idempotent through Migrate where the server lacks IF NOT
					// EXISTS.
					assert.Regexp(t, `^(CREATE (TABLE|VIEW) IF NOT EXISTS cw_render\.|DROP TABLE IF EXISTS cw_render\.v_|ALTER TABLE cw_render\.\w+\s+ADD COLUMN )`, s, "%s: not idempotent", m.Name)
					all.WriteString(s + "\n")
				}
			}
			assert.Equal(t, wantNames, names)
			for _, s := range tt.wantAll {
				assert.Contains(t, all.String(), s)
			}
			for _, s := range tt.wantAbsent {
				assert.NotContains(t, all.String(), s)
			}
		})
	}
}

func TestRenderChecksumIndependentOfDialect(t *testing.T) {
	cur, err := chschema.Render(chschema.Current, chschema.Target{Database: "a"})
	require.NoError(t, err)
	old, err := chschema.Render(legacy, chschema.Target{Database: "b"})
	require.NoError(t, err)
	require.Len(t, old, len(cur))
	for i := range cur {
		assert.Equal(t, cur[i].Checksum, old[i].Checksum, cur[i].Name)
		assert.Len(t, old[i].Statements, len(cur[i].Statements), cur[i].Name)
	}
	views := cur[6]
	require.Equal(t, "0007_create_views", views.Name)
	assert.Len(t, views.Statements, 10, "0007 creates ten views")
}

func TestRenderFS(t *testing.T) {
	ok := "CREATE TABLE IF NOT EXISTS {{.DB}}.t (a UInt8) ENGINE = Memory\n;\n"
	tests := []struct {
		name      string
		files     fstest.MapFS
		db        string
		wantErr   error
		wantStmts [][]string
	}{
		{
			name: "ordering, comments, separators and other files",
			files: fstest.MapFS{
				"0002_create_b.sql": {Data: []byte("-- b\nCREATE VIEW {{.DB}}.b AS SELECT ';' AS semi;\n  ;  \n\n-- only a comment\n;\nSELECT 2\n")},
				"0001_create_a.sql": {Data: []byte(ok)},
				"README.md":         {Data: []byte("not sql")},
			},
			db: "x",
			wantStmts: [][]string{
				{"CREATE TABLE IF NOT EXISTS x.t (a UInt8) ENGINE = Memory"},
				{"CREATE VIEW x.b AS SELECT ';' AS semi;", "SELECT 2"},
			},
		},
		{name: "bad name", files: fstest.MapFS{"1_create.sql": {Data: []byte(ok)}}, db: "x", wantErr: chschema.ErrBadMigration},
		{name: "no object", files: fstest.MapFS{"0001_create.sql": {Data: []byte(ok)}}, db: "x", wantErr: chschema.ErrBadMigration},
		{
			name: "duplicate version",
			files: fstest.MapFS{
				"0001_create_a.sql": {Data: []byte(ok)},
				"0001_create_b.sql": {Data: []byte(ok)},
			},
			db: "x", wantErr: chschema.ErrBadMigration,
		},
		{name: "empty", files: fstest.MapFS{"0001_create_a.sql": {Data: []byte("-- nothing\n;\n")}}, db: "x", wantErr: chschema.ErrBadMigration},
		{name: "unknown function", files: fstest.MapFS{"0001_create_a.sql": {Data: []byte("{{nope}}")}}, db: "x", wantErr: chschema.ErrBadMigration},
		{name: "unknown field", files: fstest.MapFS{"0001_create_a.sql": {Data: []byte("{{.Nope}}")}}, db: "x", wantErr: chschema.ErrBadMigration},
		{name: "bad database", files: fstest.MapFS{"0001_create_a.sql": {Data: []byte(ok)}}, db: "x-y", wantErr: chschema.ErrInvalidTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			migs, err := chschema.RenderFS(tt.files, chschema.Current, chschema.Target{Database: tt.db})
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var got [][]string
			for _, m := range migs {
				got = append(got, m.Statements)
			}
			assert.Equal(t, tt.wantStmts, got)
		})
	}
}

func TestRenderClusterFunctions(t *testing.T) {
	table := func(engine string) fstest.MapFS {
		return fstest.MapFS{"0001_create_t.sql": {Data: []byte(
			"CREATE TABLE IF NOT EXISTS {{storage \"t\"}}{{onCluster}} (id String)\n" +
				"ENGINE = {{engine \"t\" \"" + engine + "\"}} ORDER BY id\n;\n" +
				"{{distributed \"t\" \"cityHash64(id)\"}}\n;\n" +
				"CREATE VIEW IF NOT EXISTS {{.DB}}.v{{onCluster}} AS SELECT * FROM {{.DB}}.t\n;\n")}}
	}
	single := chschema.Target{Database: "x"}
	cluster := chschema.Target{Database: "x", Cluster: "c"}
	tests := []struct {
		name    string
		engine  string
		target  chschema.Target
		want    []string
		wantErr bool
	}{
		{
			name: "single server", engine: "ReplacingMergeTree(v)", target: single,
			want: []string{
				"CREATE TABLE IF NOT EXISTS x.t (id String)\nENGINE = ReplacingMergeTree(v) ORDER BY id",
				"CREATE VIEW IF NOT EXISTS x.v AS SELECT * FROM x.t",
			},
		},
		{
			name: "cluster", engine: "ReplacingMergeTree(v)", target: cluster,
			want: []string{
				"CREATE TABLE IF NOT EXISTS x.t_local ON CLUSTER c (id String)\nENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/x/t_local', '{replica}', v) ORDER BY id",
				"CREATE TABLE IF NOT EXISTS x.t ON CLUSTER c AS x.t_local\nENGINE = Distributed(c, x, t_local, cityHash64(id))",
				"CREATE VIEW IF NOT EXISTS x.v ON CLUSTER c AS SELECT * FROM x.t",
			},
		},
		{
			name: "engine without parameters", engine: "MergeTree()", target: cluster,
			want: []string{
				"CREATE TABLE IF NOT EXISTS x.t_local ON CLUSTER c (id String)\nENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/x/t_local', '{replica}') ORDER BY id",
				"CREATE TABLE IF NOT EXISTS x.t ON CLUSTER c AS x.t_local\nENGINE = Distributed(c, x, t_local, cityHash64(id))",
				"CREATE VIEW IF NOT EXISTS x.v ON CLUSTER c AS SELECT * FROM x.t",
			},
		},
		{name: "not a MergeTree on a cluster", engine: "Memory", target: cluster, wantErr: true},
		{name: "already replicated", engine: "ReplicatedMergeTree('/p', '{replica}')", target: cluster, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			migs, err := chschema.RenderFS(table(tt.engine), chschema.Current, tt.target)
			if tt.wantErr {
				assert.ErrorIs(t, err, chschema.ErrBadMigration)
				return
			}
			require.NoError(t, err)
			require.Len(t, migs, 1)
			assert.Equal(t, tt.want, migs[0].Statements)
		})
	}

	bad := fstest.MapFS{"0001_create_t.sql": {Data: []byte("CREATE TABLE {{storage \"t; DROP\"}} (a UInt8) ENGINE = Memory\n;\n")}}
	_, err := chschema.RenderFS(bad, chschema.Current, single)
	assert.ErrorIs(t, err, chschema.ErrBadMigration, "a table name that is not an identifier")
	_, err = chschema.RenderFS(table("MergeTree()"), chschema.Current, chschema.Target{Database: "x", Cluster: "c-1"})
	assert.ErrorIs(t, err, chschema.ErrInvalidTarget, "a cluster name that is not an identifier")
}

// TestRenderEmbeddedCluster: on a cluster every statement runs ON CLUSTER,
// every table is replicated or Distributed, a table altered has its
// Distributed table created again, and readers name the same tables as on
// a single server.
func TestRenderEmbeddedCluster(t *testing.T) {
	for _, d := range []chschema.Dialect{chschema.Current, legacy} {
		single, err := chschema.Render(d, chschema.Target{Database: "cw"})
		require.NoError(t, err)
		cluster, err := chschema.Render(d, chschema.Target{Database: "cw", Cluster: "main"})
		require.NoError(t, err)
		require.Len(t, cluster, len(single))
		for i, m := range cluster {
			assert.Equal(t, single[i].Checksum, m.Checksum, "the checksum is the file's, whatever the layout")
			for _, s := range m.Statements {
				assert.Regexp(t, `^(CREATE (TABLE|VIEW) IF NOT EXISTS|DROP TABLE IF EXISTS|ALTER TABLE) cw\.\w+ ON CLUSTER main(\s|$)`, s, m.Name)
				switch {
				case strings.HasPrefix(s, "CREATE TABLE"):
					assert.Regexp(t, `ENGINE = (ReplicatedReplacingMergeTree\('/clickhouse/tables/\{shard\}/cw/\w+_local', '\{replica\}', ingested_at\)|Distributed\(main, cw, \w+_local, cityHash64\(id\)\))`, s, m.Name)
				case strings.HasPrefix(s, "ALTER TABLE"):
				default:
					assert.NotContains(t, s, "_local", "%s: views read the Distributed tables", m.Name)
				}
			}
			// A table created gains its Distributed table; one altered has
			// its Distributed table dropped and created again.
			extra := 0
			for _, s := range single[i].Statements {
				switch {
				case strings.HasPrefix(s, "CREATE TABLE"):
					extra++
				case strings.HasPrefix(s, "ALTER TABLE"):
					extra += 2
				}
			}
			assert.Len(t, m.Statements, len(single[i].Statements)+extra, "%s: each table created or altered as replicated and Distributed", m.Name)
		}
	}
}
