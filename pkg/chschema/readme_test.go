package chschema_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// readmeServers says which servers a README example is for, by its fence.
type readmeServers int

const (
	// readmeBoth (```sql) runs on 18.16 and on current ClickHouse.
	readmeBoth readmeServers = iota
	// readmeCurrent (```sql current) runs on current ClickHouse only; the
	// next block is its 18.16 equivalent.
	readmeCurrent
	// readmeEquivalent (```sql 18.16) is the 18.16 equivalent of the
	// current-only block before it, and runs on both servers.
	readmeEquivalent
)

var readmeFences = map[string]readmeServers{
	"```sql":         readmeBoth,
	"```sql current": readmeCurrent,
	"```sql 18.16":   readmeEquivalent,
}

// readmeQuery is one ```sql block of schemas/clickhouse/README.md.
type readmeQuery struct {
	sql     string
	servers readmeServers
	line    int // of the opening fence
}

// currentOnly reports whether q does not run on 18.16.
func (q readmeQuery) currentOnly() bool { return q.servers == readmeCurrent }

// readmeQueries returns every fenced block of the README, all of which must
// be SQL examples with a known fence, every current-only one followed by
// its 18.16 equivalent.
func readmeQueries(t *testing.T) []readmeQuery {
	t.Helper()
	f, err := os.Open("../../schemas/clickhouse/README.md")
	require.NoError(t, err)
	defer f.Close()
	var out []readmeQuery
	var cur *readmeQuery
	var lines []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			servers, ok := readmeFences[strings.TrimSpace(line)]
			require.True(t, ok, "README.md:%d: fence %q is none of ```sql, ```sql current, ```sql 18.16, so no test would run it", n, line)
			cur = &readmeQuery{servers: servers, line: n}
			lines = lines[:0]
		case cur != nil && line == "```":
			cur.sql = strings.Join(lines, "\n")
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			lines = append(lines, line)
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "README.md: unclosed fence")
	require.GreaterOrEqual(t, len(out), 6, "README example queries")
	for i, q := range out {
		if q.servers == readmeCurrent {
			require.True(t, i+1 < len(out) && out[i+1].servers == readmeEquivalent,
				"README.md:%d: a current-only example must be followed by its ```sql 18.16 equivalent", q.line)
		}
		if q.servers == readmeEquivalent {
			require.True(t, i > 0 && out[i-1].servers == readmeCurrent,
				"README.md:%d: an 18.16 equivalent must follow a ```sql current example", q.line)
		}
	}
	return out
}

// TestReadmeQueriesOnServer runs the README's example queries on the test
// server (18.16 here) over one row per table: every portable example and
// every 18.16 equivalent returns rows. On a server without DateTime64 each
// current-only example must fail, or its mark (and its equivalent) would be
// needless; current ClickHouse runs them all (TestCurrentDialectOnChdb).
func TestReadmeQueriesOnServer(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	for _, f := range append(fixtures(), marketHistory()...) {
		insertFixture(ctx, t, db, f)
	}
	ran, refused := 0, 0
	for _, q := range readmeQueries(t) {
		sql := strings.ReplaceAll(q.sql, "carrywatch.", db.Database+".")
		rows, err := db.Conn.Query(ctx, sql)
		if q.currentOnly() && !db.Dialect.DateTime64 {
			if !assert.Error(t, err, "README.md:%d is marked current ClickHouse only but runs on %s", q.line, db.Dialect.Version) {
				rows.Close()
			}
			refused++
			continue
		}
		require.NoError(t, err, "README.md:%d\n%s", q.line, sql)
		n := 0
		for rows.Next() {
			n++
		}
		require.NoError(t, rows.Err(), "README.md:%d\n%s", q.line, sql)
		rows.Close()
		assert.Positive(t, n, "no rows from README.md:%d\n%s", q.line, sql)
		ran++
	}
	t.Logf("ClickHouse %s ran %d README examples and refused %d current-only ones", db.Dialect.Version, ran, refused)
}
