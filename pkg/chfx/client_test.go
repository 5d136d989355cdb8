package chfx_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

func TestModuleStartsMigratesAndStops(t *testing.T) {
	db := chtest.NewEmpty(t)
	var c *chfx.Client
	app := fxtest.New(t,
		fx.NopLogger,
		fx.Supply(chfx.Config{Addr: []string{db.Addr}, Database: db.Database}),
		fx.Supply(chtest.Logger(t)),
		chfx.Module(),
		fx.Populate(&c),
	)
	assert.Nil(t, c.Conn(), "constructor does no I/O")
	assert.ErrorIs(t, c.Ping(t.Context()), chfx.ErrNotStarted)

	app.RequireStart()
	require.NotNil(t, c.Conn())
	assert.NoError(t, c.Ping(t.Context()))
	assert.Equal(t, db.Database, c.Database())
	assert.Equal(t, db.Dialect, c.Dialect())
	assert.Equal(t, uint64(12), chtest.Count(t, db, "SELECT count() FROM "+db.Database+".schema_migrations FINAL"))

	app.RequireStop()
	assert.Nil(t, c.Conn())
	assert.ErrorIs(t, c.Ping(t.Context()), chfx.ErrNotStarted)
}

func TestClientStartRetriesUntilContextEnds(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now

	c := chfx.NewClient(chfx.Config{Addr: []string{addr}, DialTimeout: 100 * time.Millisecond}, zerolog.Nop())
	ctx, cancel := context.WithTimeout(t.Context(), 700*time.Millisecond)
	defer cancel()
	err = c.Start(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "attempts")
	assert.Nil(t, c.Conn())
}

func TestClientStartInvalidConfig(t *testing.T) {
	c := chfx.NewClient(chfx.Config{Addr: []string{"127.0.0.1:9000"}, Database: "carry-watch"}, zerolog.Nop())
	assert.ErrorIs(t, c.Start(t.Context()), chfx.ErrInvalidConfig)
	c = chfx.NewClient(chfx.Config{}, zerolog.Nop())
	assert.ErrorIs(t, c.Start(t.Context()), chfx.ErrNotConfigured)
}

// A batch's context is cancelled as soon as Send returns, as the sink does.
// The driver must not close the connection it has already given back to
// the pool when that cancel races its context watchdog: with one pooled
// connection, every later insert would then fail ("use of closed network
// connection") after the server had stored its rows, and the retry would
// store them twice. clickhouse-go before v2.51.0 did, about one batch in a
// few hundred on a loaded machine.
func TestBatchCancelledAfterSendLeavesThePoolUsable(t *testing.T) {
	db := chtest.NewEmpty(t)
	c := chfx.NewClient(chfx.Config{Addr: []string{db.Addr}, Database: db.Database, MaxOpenConns: 1}.WithDefaults(), chtest.Logger(t))
	require.NoError(t, c.Start(t.Context()))
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	require.NoError(t, c.Conn().Exec(t.Context(), "CREATE TABLE "+db.Database+".batches (n UInt32) ENGINE = Memory"))

	const batches = 2000
	for n := range batches {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		b, err := c.Conn().PrepareBatch(ctx, "INSERT INTO "+db.Database+".batches (n)")
		require.NoError(t, err, "batch %d", n)
		require.NoError(t, b.Append(uint32(n)))
		err = b.Send()
		cancel()
		require.NoError(t, err, "batch %d", n)
	}
	assert.Equal(t, uint64(batches), chtest.Count(t, db, "SELECT count() FROM "+db.Database+".batches"))
}
