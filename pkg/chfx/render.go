package chfx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
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
	// rendering), so it is the same for every dialect and database.
	Checksum string
}

var reMigrationFile = regexp.MustCompile(`^(\d{4})_([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\.sql$`)

// Render renders the embedded migrations (schemas/clickhouse/*.sql) for
// dialect d and database db, sorted by version. See RenderFS for the file
// format. Errors wrap ErrInvalidConfig (db) or ErrBadMigration.
func Render(d Dialect, db string) ([]Migration, error) {
	sub, err := fs.Sub(schemas.ClickHouse, "clickhouse")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadMigration, err)
	}
	return RenderFS(sub, d, db)
}

// RenderFS renders the migrations at the top of fsys: every file named
// NNNN_<verb>_<object>.sql (other names ending in .sql are an error, other
// files are ignored), sorted by NNNN, which must be unique.
//
// A file is a Go text/template executed with these data and functions:
//
//	{{.DB}}                     the database name
//	{{ts}}                      DateTime64(3, 'UTC')        | UInt64 (Unix ms)
//	{{lc "String"}}             LowCardinality(String)      | String
//	{{codec "Delta, ZSTD(1)"}}  " CODEC(Delta, ZSTD(1))"    | ""
//	{{ttl "inserted_at" 90}}    TTL toDateTime(inserted_at) + INTERVAL 90 DAY | ""
//	{{todt "observed_at"}}      observed_at (a DateTime64)  | toDateTime(intDiv(observed_at, 1000), 'UTC')
//	{{nowts}}                   now64(3)                    | toUInt64(now()) * 1000
//	{{engine "ReplacingMergeTree(v)"}}  the engine as is (reserved for cluster rendering)
//
// where the left column applies when d has the feature and the right one
// when it has not (ttl on a server with TTL but without DateTime64 renders
// TTL toDateTime(intDiv(inserted_at, 1000), 'UTC') + INTERVAL 90 DAY).
// Statements are separated by a line holding only ";"
// (a ";" at the end of a line is not a separator, so string literals can
// hold one); lines whose first non-blank characters are "--" are dropped.
// Errors wrap ErrInvalidConfig (db) or ErrBadMigration.
func RenderFS(fsys fs.FS, d Dialect, db string) ([]Migration, error) {
	if err := ValidateDatabase(db); err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("%w: read migrations: %w", ErrBadMigration, err)
	}
	funcs := templateFuncs(d)
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
		stmts, err := renderFile(stem, string(raw), funcs, db)
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

func renderFile(name, raw string, funcs template.FuncMap, db string) ([]string, error) {
	tmpl, err := template.New(name).Option("missingkey=error").Funcs(funcs).Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: parse %s: %w", ErrBadMigration, name, err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, struct{ DB string }{DB: db}); err != nil {
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

func templateFuncs(d Dialect) template.FuncMap {
	todt := func(col string) string {
		if d.DateTime64 {
			return col
		}
		return "toDateTime(intDiv(" + col + ", 1000), 'UTC')"
	}
	return template.FuncMap{
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
		"nowts": func() string {
			if d.DateTime64 {
				return "now64(3)"
			}
			return "toUInt64(now()) * 1000"
		},
		"engine": func(engine string) string { return engine },
	}
}
