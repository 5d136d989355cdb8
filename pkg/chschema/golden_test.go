package chschema_test

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenDialects and goldenTargets span the rendered forms: current
// ClickHouse and 18.16, on a single server and on a cluster.
var (
	goldenDialects = []struct {
		name string
		d    chschema.Dialect
	}{{"current", chschema.Current}, {"legacy", legacy}}
	goldenTargets = []struct {
		name string
		t    chschema.Target
	}{
		{"single", chschema.Target{Database: "carrywatch"}},
		{"cluster", chschema.Target{Database: "carrywatch", Cluster: "carrywatch"}},
	}
)

// goldenFile is one file under testdata/golden/<dialect>/<layout>: a
// migration's rendered statements, or schema_migrations.sql.golden for the
// bookkeeping DDL of Migrate. The ".golden" ending marks them as expected
// output, not SQL to maintain by hand.
type goldenFile struct {
	name       string
	statements []string
}

func renderGolden(t *testing.T, d chschema.Dialect, target chschema.Target) []goldenFile {
	t.Helper()
	migs, err := chschema.Render(d, target)
	require.NoError(t, err)
	var files []goldenFile
	for _, m := range migs {
		files = append(files, goldenFile{name: m.Name + ".sql.golden", statements: m.Statements})
	}
	return append(files, goldenFile{name: "schema_migrations.sql.golden", statements: chschema.BookkeepingDDL(target)})
}

// sqlText joins statements in the migration file format, one ";" line after
// each.
func sqlText(stmts []string) string { return strings.Join(stmts, "\n;\n") + "\n;\n" }

// TestGolden compares the rendered DDL with testdata/golden; run
// `go test ./pkg/chschema -run TestGolden -update` to rewrite it after an
// intended change, and review the diff. The single-server files must never
// change for an applied migration.
func TestGolden(t *testing.T) {
	for _, gd := range goldenDialects {
		for _, gt := range goldenTargets {
			t.Run(gd.name+"/"+gt.name, func(t *testing.T) {
				dir := filepath.Join("testdata", "golden", gd.name, gt.name)
				files := renderGolden(t, gd.d, gt.t)
				if *update {
					require.NoError(t, os.RemoveAll(dir))
					require.NoError(t, os.MkdirAll(dir, 0o755))
					for _, f := range files {
						require.NoError(t, os.WriteFile(filepath.Join(dir, f.name), []byte(sqlText(f.statements)), 0o644))
					}
					return
				}
				var want, got []string
				for _, f := range files {
					want = append(want, f.name)
					b, err := os.ReadFile(filepath.Join(dir, f.name))
					require.NoError(t, err, "run with -update to create it")
					assert.Equal(t, string(b), sqlText(f.statements), "%s/%s differs from the rendering (run with -update if intended)", dir, f.name)
				}
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				for _, e := range entries {
					got = append(got, e.Name())
				}
				sort.Strings(want)
				assert.Equal(t, want, got, "stale or missing golden files in %s", dir)
			})
		}
	}
}
