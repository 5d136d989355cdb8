package chlocal_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chlocal"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

func TestServerStopRestartKeepsData(t *testing.T) {
	srv := chtest.Dedicated(t)
	ctx := t.Context()
	addr, httpAddr := srv.Addr(), srv.HTTPAddr()
	assert.NotEqual(t, addr, httpAddr)

	conn, err := chfx.Open(ctx, chfx.Config{Addr: []string{srv.Addr()}})
	require.NoError(t, err)
	d, err := chschema.DetectDialect(ctx, conn)
	require.NoError(t, err)
	applied, err := chschema.Migrate(ctx, conn, chschema.Target{Database: "carrywatch"}, d, chtest.Logger(t))
	require.NoError(t, err)
	require.Len(t, applied, 12)
	// INSERT … SELECT, not VALUES: over the native protocol 18.16 waits for
	// data blocks after an Exec of INSERT … VALUES and the call hangs.
	require.NoError(t, conn.Exec(ctx, "CREATE TABLE carrywatch.kept (id String) ENGINE = MergeTree ORDER BY id"))
	require.NoError(t, conn.Exec(ctx, "INSERT INTO carrywatch.kept (id) SELECT 'row-1'"))
	require.NoError(t, conn.Close())

	require.NoError(t, srv.Stop())
	_, err = chfx.Open(ctx, chfx.Config{Addr: []string{addr}, DialTimeout: 200e6})
	require.Error(t, err, "server still answers after Stop")
	require.NoError(t, srv.Stop(), "second Stop is a no-op")

	require.NoError(t, srv.Restart(ctx))
	assert.Equal(t, addr, srv.Addr(), "restart reuses the tcp port")
	assert.Equal(t, httpAddr, srv.HTTPAddr(), "restart reuses the http port")

	conn, err = chfx.Open(ctx, chfx.Config{Addr: []string{srv.Addr()}})
	require.NoError(t, err)
	defer conn.Close()
	var id string
	require.NoError(t, conn.QueryRow(ctx, "SELECT id FROM carrywatch.kept").Scan(&id))
	assert.Equal(t, "row-1", id)
	applied, err = chschema.Migrate(ctx, conn, chschema.Target{Database: "carrywatch"}, d, chtest.Logger(t))
	require.NoError(t, err)
	assert.Empty(t, applied, "the migrations survive the restart")
}

func TestStartReportsEarlyExit(t *testing.T) {
	chtest.RequireBinary(t)
	if _, _, err := chlocal.FindBinary(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("needs a server binary: " + err.Error())
		}
		t.Skip("SKIPPED: needs a server binary: " + err.Error())
	}
	// Occupy the tcp port the server will be told to use.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	free := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	dir := t.TempDir()
	ports, err := json.Marshal(map[string]int{"tcp": busy.Addr().(*net.TCPAddr).Port, "http": free(), "interserver": free()})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ports.json"), ports, 0o644))

	ctx, cancel := context.WithTimeout(t.Context(), chlocal.StopTimeout)
	defer cancel()
	srv, err := chlocal.Start(ctx, dir, chtest.Logger(t))
	if srv != nil {
		_ = srv.Stop()
	}
	t.Log(err)
	require.ErrorIs(t, err, chlocal.ErrExited)
	assert.Contains(t, err.Error(), "Address already in use", "the error carries the server's log")
}
