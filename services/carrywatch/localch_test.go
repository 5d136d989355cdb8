package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// migrate, given no CW_CLICKHOUSE_ADDR, uses the ClickHouse the
// `carrywatch up` on its data dir wrote down, and its database; the file is
// the owner's only.
func TestMigrateFindsUpsClickHouse(t *testing.T) {
	db := chtest.New(t)
	dataDir := t.TempDir()
	require.NoError(t, saveLocalCH(dataDir, db.Addr, db.Database))
	fi, err := os.Stat(localCHFile(dataDir))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(filepath.Dir(localCHFile(dataDir)))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())

	t.Setenv("CW_DATA_DIR", dataDir)
	t.Setenv("CW_CLICKHOUSE_ADDR", "")
	t.Setenv("CW_CLICKHOUSE_DATABASE", "")
	t.Setenv("CW_NATS_URL", "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, stderr, err := run(t, ctx, "migrate")
	require.NoError(t, err, stderr)
	assert.Contains(t, out, "database "+db.Database+" is at the current schema")
	var n uint64
	require.NoError(t, db.Conn.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = '"+db.Database+"' AND name = 'risk_scores'").Scan(&n))
	assert.Equal(t, uint64(1), n, "migrated the database up named")

	// Without an up on the data dir, migrate says what is missing.
	t.Setenv("CW_DATA_DIR", t.TempDir())
	_, _, err = run(t, ctx, "migrate")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no carrywatch up has run on")
}

func TestReadyBlock(t *testing.T) {
	var b strings.Builder
	require.NoError(t, writeReady(&b, upInfo{
		NATSURL: "nats://127.0.0.1:4222", NATSLogin: "/d/credentials/nats.env",
		CHAddr: "127.0.0.1:19000", CHDatabase: "carrywatch", CHUser: "default",
		HTTPAddr: ":8080", WebURL: "http://127.0.0.1:8090/", DataDir: "/d", Data: "live: 22 sources",
	}))
	out := b.String()
	for _, want := range []string{
		"  data         live: 22 sources\n",
		"nats://127.0.0.1:4222", "login: /d/credentials/nats.env",
		"clickhouse-client --port 19000 --database carrywatch\n",
		"http://127.0.0.1:8080/readyz", "page         http://127.0.0.1:8090/", "data dir /d",
	} {
		assert.Contains(t, out, want)
	}

	b.Reset()
	require.NoError(t, writeReady(&b, upInfo{NATSURL: "nats://n:4222", CHAddr: "ch.example:9440", CHDatabase: "cw",
		CHUser: "analyst", CHPassword: true, HTTPAddr: "10.0.0.1:9090", DataDir: "/d"}))
	assert.Contains(t, b.String(), "clickhouse-client --host ch.example --port 9440 --database cw --user analyst --password\n")
	assert.Contains(t, b.String(), "login: the one in up's environment")
	assert.Contains(t, b.String(), "http://10.0.0.1:9090/readyz")
	assert.NotContains(t, b.String(), "page ", "no page line when the page is off")

	b.Reset()
	require.NoError(t, writeReady(&b, upInfo{NATSURL: "nats://n:4222", CHAddr: "127.0.0.1:19000", CHDatabase: "cw", DataDir: "/d"}))
	assert.NotContains(t, b.String(), "ops", "no ops line when the endpoint is disabled")
}
