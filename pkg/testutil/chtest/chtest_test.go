package chtest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewGivesAMigratedDatabase(t *testing.T) {
	db := New(t)
	assert.True(t, strings.HasPrefix(db.Database, "t_testnewgivesamigrateddatabase_"), db.Database)
	assert.NotEmpty(t, db.Addr)
	assert.NotZero(t, db.Dialect.Major)
	// Conn's default database is the test's.
	assert.Equal(t, uint64(12), Count(t, db, "SELECT count() FROM schema_migrations FINAL"))
	assert.Equal(t, uint64(24), Count(t, db, "SELECT count() FROM system.tables WHERE database = currentDatabase()"))
}

// Client is started on the test's database.
func TestClient(t *testing.T) {
	db := New(t)
	c := Client(t, db)
	require.NoError(t, c.Ping(t.Context()))
	assert.Equal(t, db.Database, c.Database())
}

func TestNewIsolatesTests(t *testing.T) {
	a, b := New(t), New(t)
	require.NotEqual(t, a.Database, b.Database)
	// INSERT … SELECT, not VALUES: over the native protocol 18.16 waits for
	// data blocks after an Exec of INSERT … VALUES and the call hangs.
	require.NoError(t, a.Conn.Exec(t.Context(), "INSERT INTO dead_letters (id, source, observed_at, ingested_at, stream_seq, stage, original_subject, reason, code, payload, original_seq) SELECT 'x', 'test', "+now(a.Dialect)+", "+now(a.Dialect)+", 1, 'sink', '', 'r', 'c', '', 0"))
	assert.Equal(t, uint64(1), Count(t, a, "SELECT count() FROM v_dead_letters"))
	assert.Equal(t, uint64(0), Count(t, b, "SELECT count() FROM v_dead_letters"))
}

func now(d chschema.Dialect) string {
	if d.DateTime64 {
		return "now64(3)"
	}
	return "toUInt64(now()) * 1000"
}

func TestNewEmptyHasNoDatabase(t *testing.T) {
	db := NewEmpty(t)
	assert.Equal(t, uint64(0), Count(t, db, "SELECT count() FROM system.databases WHERE name = ?", db.Database))
}

func TestDatabaseDroppedAtCleanup(t *testing.T) {
	var name string
	var probe *DB
	t.Run("inner", func(t *testing.T) {
		db := New(t)
		name = db.Database
	})
	probe = NewEmpty(t)
	assert.Equal(t, uint64(0), Count(t, probe, "SELECT count() FROM system.databases WHERE name = ?", name))
}

func TestDatabaseName(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	tests := []struct {
		name       string
		wantPrefix string
	}{
		{name: "TestX", wantPrefix: "t_testx_"},
		{name: "TestX/sub case #01", wantPrefix: "t_testx_sub_case_01_"},
		{name: "TestÜnicode/ü", wantPrefix: "t_test_nicode_"},
		{name: strings.Repeat("Long", 40), wantPrefix: "t_" + strings.Repeat("long", 12) + "_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := databaseName(tt.name)
			assert.True(t, strings.HasPrefix(got, tt.wantPrefix), got)
			assert.Regexp(t, re, got)
			assert.LessOrEqual(t, len(got), 63)
			assert.NotEqual(t, got, databaseName(tt.name), "random suffix")
		})
	}
}
