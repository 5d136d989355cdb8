package chschema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/carrywatch/carrywatch/schemas"
)

// Migration is one rendered migration file.
type Migration struct {
	// Version is the file's number, NNNN.
	Version int
	// Name is the file name without .sql, e.g. "0003_create_etf_flows".
	Name string
	// Statements are the rendered statements, in file order, without the
	// separating ";" lines and without whole-line "--" comments.
	Statements []string
	// Checksum is the hex SHA-256 of the raw file (the template, not its
	// rendering), so it is the same for every dialect, database and layout.
	Checksum string
}

// formerChecksums lists, per migration, the checksums of earlier revisions
// of its file whose single-server rendering is byte-identical to the
// current one's for every dialect, so that databases migrated with them
// stay current. The golden files under testdata/golden/<dialect>/single
// hold that rendering; add an entry here only when they did not change.
var formerChecksums = map[string][]string{
	// Revisions before cluster rendering ({{storage}}, {{onCluster}},
	// {{distributed}}, two-argument {{engine}}).
	"0001_create_jgb_yields":      {"62ff1b94f85002a72191a567b9d83cbbe11f3b658a642468786ae369f77f4e40"},
	"0002_create_fed_odds":        {"62834ab70f13dd6ea1ff93cafe83c32e77ab4947847526e91dfb0d6fa51a279f"},
	"0003_create_etf_flows":       {"0ede999ac1e00645e87e1cd3ecfc8bb165d3cb9358a7a38488f17682b13619cc"},
	"0004_create_venue_status":    {"fbe5c39c9037dd4eccaa2abb3f4aa559dc958d31101b66bc2fa956d6d2502d1f"},
	"0005_create_risk_scores":     {"e45a1e165fb724d5bc8ca79407214a703d03704790a20aa6a5a8f8254a669f31"},
	"0006_create_dead_letters":    {"bf8eedbbc4f652b1b942c42ff7c9b87aed3cd71163969167137d9ccb82044096"},
	"0007_create_views":           {"2f813d4e2507c9844903950d0cc2f4c6c253d044c16ea747e73c6d72b843a059"},
	"0008_create_risk_index_view": {"1e86b94e7c61986d1ec893c76861fb7cbb9e0dd52e7565b281782e884e02651a"},
}

// accepts reports whether a recorded checksum matches m's file: its current
// checksum or that of an equivalent earlier revision (formerChecksums).
func (m Migration) accepts(checksum string) bool {
	return checksum == m.Checksum || slices.Contains(formerChecksums[m.Name], checksum)
}

var reMigrationFile = regexp.MustCompile(`^(\d{4})_([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\.sql$`)

// Render renders the embedded migrations (schemas/clickhouse/*.sql) for
// dialect d and target t, sorted by version. See RenderFS for the file
// format. Errors wrap ErrInvalidTarget (t) or ErrBadMigration.
func Render(d Dialect, t Target) ([]Migration, error) {
	sub, err := fs.Sub(schemas.ClickHouse, "clickhouse")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadMigration, err)
	}
	return RenderFS(sub, d, t)
}

// RenderFS renders the migrations at the top of fsys: every file named
// NNNN_<verb>_<object>.sql (other names ending in .sql are an error, other
// files are ignored), sorted by NNNN, which must be unique.
//
// A file is a Go text/template executed with these data and functions:
//
//	{{.DB}}                     the database name
//	{{.Cluster}}                the cluster name, empty on a single server
//	{{ts}}                      DateTime64(3, 'UTC')        | UInt64 (Unix ms)
//	{{lc "String"}}             LowCardinality(String)      | String
//	{{codec "Delta, ZSTD(1)"}}  " CODEC(Delta, ZSTD(1))"    | ""
//	{{ttl "inserted_at" 90}}    TTL toDateTime(inserted_at) + INTERVAL 90 DAY | ""
//	{{todt "observed_at"}}      observed_at (a DateTime64)  | toDateTime(intDiv(observed_at, 1000), 'UTC')
//	{{dt "observed_at"}}        toDateTime(observed_at, 'UTC') | toDateTime(intDiv(observed_at, 1000), 'UTC')
//	{{nowts}}                   now64(3)                    | toUInt64(now()) * 1000
//	{{addColumn}}               ADD COLUMN IF NOT EXISTS    | ADD COLUMN
//
// where the left column applies when d has the feature and the right one
// when it has not (ttl on a server with TTL but without DateTime64 renders
// TTL toDateTime(intDiv(inserted_at, 1000), 'UTC') + INTERVAL 90 DAY). A
// column added with {{addColumn}} without IF NOT EXISTS stays idempotent
// because Migrate takes "column already exists" for it as done.
//
// These render a table for a single server or for a cluster (t.Cluster set),
// where each table is a replicated table <name>_local on every shard behind
// a Distributed table <name>, so readers and writers only ever name <name>:
//
//	                                    single server        | cluster
//	{{onCluster}}                       ""                   | " ON CLUSTER <cluster>"
//	{{storage "t"}}                     <db>.t               | <db>.t_local
//	{{engine "t" "ReplacingMergeTree(v)"}}  ReplacingMergeTree(v) | ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/<db>/t_local', '{replica}', v)
//	{{distributed "t" "cityHash64(id)"}}    ""               | CREATE TABLE IF NOT EXISTS <db>.t ON CLUSTER <cluster> AS <db>.t_local
//	                                                         |   ENGINE = Distributed(<cluster>, <db>, t_local, cityHash64(id))
//
// so a table file reads
//
//	CREATE TABLE IF NOT EXISTS {{storage "t"}}{{onCluster}} (…)
//	ENGINE = {{engine "t" "ReplacingMergeTree(v)"}} …
//	;
//	{{distributed "t" "cityHash64(id)"}}
//	;
//
// and a view CREATE VIEW IF NOT EXISTS {{.DB}}.v{{onCluster}} AS … over
// {{.DB}}.t. The engine must be of the MergeTree family; the sharding key
// should send every copy of one row to one shard (carrywatch shards by a hash
// of id), so that ReplacingMergeTree can collapse them there.
//
// Statements are separated by a line holding only ";"
// (a ";" at the end of a line is not a separator, so string literals can
// hold one); lines whose first non-blank characters are "--" are dropped, and
// so are statements that render empty (the distributed table on a single
// server). Errors wrap ErrInvalidTarget (t) or ErrBadMigration.
func RenderFS(fsys fs.FS, d Dialect, t Target) ([]Migration, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("%w: read migrations: %w", ErrBadMigration, err)
	}
	funcs := templateFuncs(d, t)
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".sql" {
			continue
		}
		m := reMigrationFile.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("%w: %s is not named NNNN_<verb>_<object>.sql", ErrBadMigration, name)
		}
		version, _ := strconv.Atoi(m[1])
		if prev, ok := seen[version]; ok {
			return nil, fmt.Errorf("%w: %s and %s share version %d", ErrBadMigration, prev, name, version)
		}
		seen[version] = name
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("%w: read %s: %w", ErrBadMigration, name, err)
		}
		stem := strings.TrimSuffix(name, ".sql")
		stmts, err := renderFile(stem, string(raw), funcs, t)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(raw)
		out = append(out, Migration{
			Version:    version,
			Name:       stem,
			Statements: stmts,
			Checksum:   hex.EncodeToString(sum[:]),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func renderFile(name, raw string, funcs template.FuncMap, t Target) ([]string, error) {
	tmpl, err := template.New(name).Option("missingkey=error").Funcs(funcs).Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: parse %s: %w", ErrBadMigration, name, err)
	}
	var buf bytes.Buffer
	data := struct{ DB, Cluster string }{DB: t.Database, Cluster: t.Cluster}
	if err := tmpl.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("%w: render %s: %w", ErrBadMigration, name, err)
	}
	stmts := splitStatements(buf.String())
	if len(stmts) == 0 {
		return nil, fmt.Errorf("%w: %s has no statements", ErrBadMigration, name)
	}
	return stmts, nil
}

// splitStatements splits rendered SQL at lines holding only ";", drops lines
// that start with "--" (after blanks) and trailing blanks, and returns the
// non-empty statements.
func splitStatements(sql string) []string {
	var stmts []string
	var cur []string
	flush := func() {
		s := strings.TrimSpace(strings.Join(cur, "\n"))
		if s != "" {
			stmts = append(stmts, s)
		}
		cur = cur[:0]
	}
	for _, line := range strings.Split(sql, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == ";":
			flush()
		case strings.HasPrefix(t, "--"):
		default:
			cur = append(cur, strings.TrimRight(line, " \t\r"))
		}
	}
	flush()
	return stmts
}

func templateFuncs(d Dialect, t Target) template.FuncMap {
	todt := func(col string) string {
		if d.DateTime64 {
			return col
		}
		return "toDateTime(intDiv(" + col + ", 1000), 'UTC')"
	}
	return template.FuncMap{
		// dt is a timestamp column as a DateTime('UTC') (whole seconds) on
		// every server, for the views' readable <col>_dt columns.
		"dt": func(col string) string {
			if d.DateTime64 {
				return "toDateTime(" + col + ", 'UTC')"
			}
			return todt(col)
		},
		"ts": func() string {
			if d.DateTime64 {
				return "DateTime64(3, 'UTC')"
			}
			return "UInt64"
		},
		"lc": func(typ string) string {
			if d.LowCardinality {
				return "LowCardinality(" + typ + ")"
			}
			return typ
		},
		"codec": func(codecs string) string {
			if d.Codecs {
				return " CODEC(" + codecs + ")"
			}
			return ""
		},
		"ttl": func(col string, days int) string {
			if !d.TTL {
				return ""
			}
			dt := todt(col)
			if d.DateTime64 {
				// TTL wants Date or DateTime, not DateTime64.
				dt = "toDateTime(" + col + ")"
			}
			return fmt.Sprintf("TTL %s + INTERVAL %d DAY", dt, days)
		},
		"todt": todt,
		"addColumn": func() string {
			if d.AddColumnIfNotExists {
				return "ADD COLUMN IF NOT EXISTS"
			}
			return "ADD COLUMN"
		},
		"nowts": func() string {
			if d.DateTime64 {
				return "now64(3)"
			}
			return "toUInt64(now()) * 1000"
		},
		"onCluster": func() string {
			if t.Cluster == "" {
				return ""
			}
			return " ON CLUSTER " + t.Cluster
		},
		"storage": func(table string) (string, error) {
			if err := validateTable(table); err != nil {
				return "", err
			}
			return t.Database + "." + t.storage(table), nil
		},
		"engine": func(table, engine string) (string, error) {
			if err := validateTable(table); err != nil {
				return "", err
			}
			if t.Cluster == "" {
				return engine, nil
			}
			return replicated(engine, t.replicaPath(t.storage(table)))
		},
		"distributed": func(table, shardingKey string) (string, error) {
			if err := validateTable(table); err != nil {
				return "", err
			}
			if t.Cluster == "" {
				return "", nil
			}
			local := t.storage(table)
			return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s ON CLUSTER %s AS %s.%s\nENGINE = Distributed(%s, %s, %s, %s)",
				t.Database, table, t.Cluster, t.Database, local, t.Cluster, t.Database, local, shardingKey), nil
		},
	}
}

// validateTable checks a table name given to a template function.
func validateTable(table string) error {
	if !reIdent.MatchString(table) {
		return fmt.Errorf("table name %q must match %s", table, reIdent)
	}
	return nil
}

var reMergeTree = regexp.MustCompile(`^([A-Za-z]*MergeTree)(?:\((.*)\))?$`)

// replicated turns a MergeTree-family engine into its Replicated form with
// the keeper path zkPath and the replica macro, keeping its parameters:
// ReplacingMergeTree(v) becomes ReplicatedReplacingMergeTree('<zkPath>',
// '{replica}', v).
func replicated(engine, zkPath string) (string, error) {
	m := reMergeTree.FindStringSubmatch(strings.TrimSpace(engine))
	if m == nil || strings.HasPrefix(m[1], "Replicated") {
		return "", fmt.Errorf("engine %q is not a MergeTree-family engine that can be replicated", engine)
	}
	args := "'" + zkPath + "', '{replica}'"
	if p := strings.TrimSpace(m[2]); p != "" {
		args += ", " + p
	}
	return "Replicated" + m[1] + "(" + args + ")", nil
}
