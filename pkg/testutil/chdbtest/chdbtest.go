// Package chdbtest runs SQL on current ClickHouse in tests, through chdb
// (ClickHouse as a Node library, npm's chdb): the one current engine on
// machines whose only server is an older ClickHouse. It needs node and a
// node_modules directory holding chdb (CHDB_NODE_MODULES, else
// <repository>/.cache/chdb/node_modules, which `make deps-chdb` fills).
package chdbtest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/stretchr/testify/require"
)

//go:embed chdb_run.js
var runner []byte

// Result is the outcome of one statement.
type Result struct {
	I     int              `json:"i"`
	OK    bool             `json:"ok"`
	Error string           `json:"error"`
	Rows  []map[string]any `json:"rows"`
}

// Require returns node and the node_modules directory holding chdb.
// Without either it skips t loudly, saying that what did not run, or fails
// it when CI is set.
func Require(t testing.TB, what string) (node, modules string) {
	t.Helper()
	fail := func(msg string) {
		msg += "; install it with `make deps-chdb` at the repository root or set CHDB_NODE_MODULES to a node_modules directory holding chdb"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED: " + msg + " — " + what + " did NOT run")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		fail("no node in PATH for chdb")
	}
	modules = os.Getenv("CHDB_NODE_MODULES")
	if modules == "" {
		modules = filepath.Join(repoRoot(), ".cache", "chdb", "node_modules")
	}
	if _, err := os.Stat(filepath.Join(modules, "chdb", "package.json")); err != nil {
		fail("chdb not found in " + modules)
	}
	return node, modules
}

// repoRoot is the repository root, from this file's place in it.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Run runs statements in one chdb session and returns one result per
// statement, failed ones included (the session carries on after a
// failure). The session starts in directory dir, where chdb loads
// config.xml, if any, as its server configuration (the test's working
// directory if dir is empty), with env added to its environment. what
// names the test for Require. It returns an error holding node's stderr
// if the session could not start (a configuration chdb refuses, say).
func Run(t testing.TB, what, dir string, env, statements []string) ([]Result, error) {
	t.Helper()
	node, modules := Require(t, what)
	tmp := t.TempDir()
	script := filepath.Join(tmp, "statements.sql")
	require.NoError(t, os.WriteFile(script, []byte(strings.Join(statements, "\n;\n")+"\n;\n"), 0o644))
	js := filepath.Join(tmp, "chdb_run.js")
	require.NoError(t, os.WriteFile(js, runner, 0o644))

	cmd := exec.CommandContext(t.Context(), node, js, script, filepath.Join(tmp, "session"))
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "NODE_PATH="+modules), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	var results []Result
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r Result
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), "chdb output line %q", sc.Text())
		require.Equal(t, len(results), r.I, "chdb results out of order")
		results = append(results, r)
	}
	require.NoError(t, sc.Err())
	if runErr != nil {
		return results, fmt.Errorf("node chdb_run.js: %w: %s", runErr, stderr.String())
	}
	require.Len(t, results, len(statements))
	return results, nil
}

// FirstError returns an error naming the first statement that failed, nil
// if all succeeded.
func FirstError(results []Result, statements []string) error {
	for _, r := range results {
		if !r.OK {
			return fmt.Errorf("chdb statement %d failed: %s\n%s", r.I, r.Error, statements[r.I])
		}
	}
	return nil
}

// Literal renders a value as clickhouse-go appends it to a batch (the
// fixtures' and the sink's rows) as a ClickHouse SQL literal; it panics on
// a type it does not know, which a test adding one must teach it.
func Literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
	case time.Time:
		return "'" + v.UTC().Format("2006-01-02 15:04:05.000") + "'"
	case *time.Time:
		if v == nil {
			return "NULL"
		}
		return Literal(*v)
	case *uint64:
		if v == nil {
			return "NULL"
		}
		return Literal(*v)
	case *float64:
		if v == nil {
			return "NULL"
		}
		return Literal(*v)
	case uint64:
		return strconv.FormatUint(v, 10)
	case uint16:
		return strconv.FormatUint(uint64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []string:
		return list(v)
	case []int16:
		return list(v)
	case []float64:
		return list(v)
	case []int:
		return list(v)
	}
	panic(fmt.Sprintf("chdbtest.Literal: unsupported %T", v)) // test helper: a new value type needs a case
}

func list[T any](vs []T) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = Literal(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Values renders one row of values as a parenthesised VALUES tuple.
func Values(vals []any) string {
	lits := make([]string, len(vals))
	for i, v := range vals {
		lits[i] = Literal(v)
	}
	return "(" + strings.Join(lits, ", ") + ")"
}

// Schema returns the statements that create database db with carrywatch's
// tables and views, the migrations rendered for current ClickHouse: the
// start of a Run that stores rows. It fails t if they do not render.
func Schema(t testing.TB, db string) []string {
	t.Helper()
	migs, err := chschema.Render(chschema.Current, chschema.Target{Database: db})
	require.NoError(t, err)
	stmts := []string{"CREATE DATABASE IF NOT EXISTS " + db}
	for _, m := range migs {
		stmts = append(stmts, m.Statements...)
	}
	return stmts
}
