package chfx

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/backoff"
	"github.com/carrywatch/carrywatch/pkg/chschema"
)

// Client owns carrywatch's ClickHouse connection: Start connects (retrying
// until its context ends), detects the dialect and migrates; Stop closes.
// Its methods are safe for concurrent use.
type Client struct {
	cfg Config
	log zerolog.Logger

	mu      sync.RWMutex
	conn    driver.Conn
	dialect chschema.Dialect
}

// NewClient returns a client for cfg. It does no I/O; zero fields of cfg
// take their defaults.
func NewClient(cfg Config, log zerolog.Logger) *Client {
	return &Client{
		cfg: cfg.WithDefaults(),
		log: log.With().Str("component", "chfx").Logger(),
	}
}

// Start connects, retrying with backoff (100 ms doubling to 5 s) while the
// server is unreachable and ctx is not done, then detects the dialect and
// runs chschema.Migrate. It does not retry an invalid config or a server that
// answers with an error (such as a wrong password). The error wraps
// ErrInvalidConfig, ErrNotConfigured, ctx's error, or the failing step's.
// Starting a started client does nothing.
func (c *Client) Start(ctx context.Context) error {
	if c.Conn() != nil {
		return nil
	}
	start := time.Now()
	if err := c.cfg.Validate(); err != nil {
		return err
	}
	conn, err := c.connect(ctx)
	if err != nil {
		return err
	}
	d, err := chschema.DetectDialect(ctx, conn)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("detect dialect: %w", err)
	}
	applied, err := chschema.Migrate(ctx, conn, c.cfg.Target(), d, c.log)
	if err != nil {
		_ = conn.Close()
		return err
	}
	c.mu.Lock()
	c.conn, c.dialect = conn, d
	c.mu.Unlock()
	c.log.Info().Strs("addr", c.cfg.Addr).Str("database", c.cfg.Database).Str("cluster", c.cfg.Cluster).
		Str("server_version", d.Version.String()).Bool("datetime64", d.DateTime64).
		Int("migrations_applied", len(applied)).Dur("elapsed", time.Since(start)).
		Msg("clickhouse ready")
	return nil
}

// connectBackoff spaces Start's connection attempts.
var connectBackoff = backoff.Policy{First: 100 * time.Millisecond, Max: 5 * time.Second}

func (c *Client) connect(ctx context.Context) (driver.Conn, error) {
	retry := connectBackoff.Start(ctx, nil)
	for {
		conn, err := Open(ctx, c.cfg)
		if err == nil {
			return conn, nil
		}
		var ex *clickhouse.Exception
		if errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrNotConfigured) || errors.As(err, &ex) {
			return nil, err
		}
		attempt := retry.Failures() + 1
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connect clickhouse after %d attempts: %w", attempt, errors.Join(err, ctx.Err()))
		}
		c.log.Warn().Err(err).Int("attempt", attempt).Dur("backoff", retry.Next()).
			Msg("clickhouse unreachable; retrying")
		if !retry.Wait() {
			return nil, fmt.Errorf("connect clickhouse after %d attempts: %w", attempt, errors.Join(err, retry.Err()))
		}
	}
}

// Stop closes the connection. It returns the driver's close error; stopping
// a client that is not started does nothing.
func (c *Client) Stop(context.Context) error {
	c.mu.Lock()
	conn := c.conn
	c.conn = nil
	c.mu.Unlock()
	if conn == nil {
		return nil
	}
	if err := conn.Close(); err != nil {
		return fmt.Errorf("close clickhouse: %w", err)
	}
	c.log.Info().Msg("clickhouse closed")
	return nil
}

// Conn returns the connection, nil before Start succeeded or after Stop.
// Its default database is the server's: qualify names with Database().
func (c *Client) Conn() driver.Conn {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.conn
}

// Dialect returns the server's dialect, the zero Dialect before Start.
func (c *Client) Dialect() chschema.Dialect {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.dialect
}

// Database returns carrywatch's database name.
func (c *Client) Database() string { return c.cfg.Database }

// Ping checks the server answers, for readiness probes. It returns
// ErrNotStarted before Start or after Stop, else the driver's error.
func (c *Client) Ping(ctx context.Context) error {
	conn := c.Conn()
	if conn == nil {
		return ErrNotStarted
	}
	if err := conn.Ping(ctx); err != nil {
		return fmt.Errorf("ping clickhouse: %w", err)
	}
	return nil
}
