package chfx_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// readmeQuery is one ```sql block of schemas/clickhouse/README.md.
type readmeQuery struct {
	sql         string
	currentOnly bool // fenced ```sql current
}

func readmeQueries(t *testing.T) []readmeQuery {
	t.Helper()
	f, err := os.Open("../../schemas/clickhouse/README.md")
	require.NoError(t, err)
	defer f.Close()
	var out []readmeQuery
	var cur *readmeQuery
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && (line == "```sql" || line == "```sql current"):
			cur = &readmeQuery{currentOnly: line == "```sql current"}
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
	require.GreaterOrEqual(t, len(out), 6, "README example queries")
	return out
}

// TestReadmeQueriesOnServer runs the README's portable example queries on
// the test server (18.16 here) over one row per table; each returns rows.
func TestReadmeQueriesOnServer(t *testing.T) {
	db := chtest.New(t)
	ctx := t.Context()
	for _, f := range append(fixtures(), marketHistory()...) {
		insertFixture(ctx, t, db, f)
	}
	for _, q := range readmeQueries(t) {
		if q.currentOnly && !db.Dialect.DateTime64 {
			continue
		}
		sql := strings.ReplaceAll(q.sql, "carrywatch.", db.Database+".")
		rows, err := db.Conn.Query(ctx, sql)
		require.NoError(t, err, sql)
		n := 0
		for rows.Next() {
			n++
		}
		require.NoError(t, rows.Err(), sql)
		rows.Close()
		assert.Positive(t, n, "no rows from\n%s", sql)
	}
}
