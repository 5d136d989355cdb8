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
		chfx.Module,
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
