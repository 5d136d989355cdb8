package chfx

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chschema"
)

// Defaults of Config; a zero field means its default.
const (
	DefaultDatabase     = "carrywatch"
	DefaultUser         = "default"
	DefaultDialTimeout  = 5 * time.Second
	DefaultMaxOpenConns = 8
)

// Config says where ClickHouse is and how to log in. Values come from the
// environment (variables CW_CLICKHOUSE_*); a zero field means its default,
// so Config{Addr: …} works when built by hand.
type Config struct {
	// Addr lists host:port addresses of the native protocol (usually port
	// 9000, 9440 with TLS), comma-separated in the environment. Empty means
	// not configured: Open fails with ErrNotConfigured and the CLI starts a
	// local server instead.
	Addr []string `env:"CW_CLICKHOUSE_ADDR" envSeparator:","`
	// Database is carrywatch's database. It is spliced into DDL, so it must
	// match ^[A-Za-z_][A-Za-z0-9_]*$. Default "carrywatch".
	Database string `env:"CW_CLICKHOUSE_DATABASE" envDefault:"carrywatch"`
	// User is the ClickHouse user. Default "default".
	User string `env:"CW_CLICKHOUSE_USER" envDefault:"default"`
	// Password is the user's password. Never logged.
	Password string `env:"CW_CLICKHOUSE_PASSWORD"`
	// PasswordFile names a file holding the password (a mounted secret);
	// trailing newlines are ignored. Exclusive with Password.
	PasswordFile string `env:"CW_CLICKHOUSE_PASSWORD_FILE"`
	// TLS enables TLS to the server.
	TLS bool `env:"CW_CLICKHOUSE_TLS"`
	// TLSCAFile names a PEM bundle of CAs to trust instead of the system
	// pool; requires TLS.
	TLSCAFile string `env:"CW_CLICKHOUSE_TLS_CA_FILE"`
	// DialTimeout bounds opening one connection. Default 5s.
	DialTimeout time.Duration `env:"CW_CLICKHOUSE_DIAL_TIMEOUT" envDefault:"5s"`
	// MaxOpenConns bounds the connection pool. Default 8.
	MaxOpenConns int `env:"CW_CLICKHOUSE_MAX_OPEN_CONNS" envDefault:"8"`
	// Cluster names the ClickHouse cluster (a remote_servers entry of every
	// server) the migrations create the schema on: ON CLUSTER DDL, replicated
	// tables behind Distributed ones (see chschema.Target). Empty means a single
	// server. It is spliced into DDL, so it must match
	// ^[A-Za-z_][A-Za-z0-9_]*$.
	Cluster string `env:"CW_CLICKHOUSE_CLUSTER"`
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.User == "" {
		c.User = DefaultUser
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.MaxOpenConns == 0 {
		c.MaxOpenConns = DefaultMaxOpenConns
	}
	return c
}

// Target returns where c's migrations go: its database (default
// "carrywatch") on its cluster, if any.
func (c Config) Target() chschema.Target {
	c = c.WithDefaults()
	return chschema.Target{Database: c.Database, Cluster: c.Cluster}
}

// Validate reports the first unusable field, wrapping ErrInvalidConfig (and
// chschema.ErrInvalidTarget for a database or cluster name that cannot be
// spliced into DDL). Zero fields are valid (they take their defaults) and so
// is an empty Addr.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := c.Target().Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	for _, a := range c.Addr {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" {
			return fmt.Errorf("%w: addr %q is not host:port", ErrInvalidConfig, a)
		}
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("%w: addr %q has no valid port", ErrInvalidConfig, a)
		}
	}
	if c.Password != "" && c.PasswordFile != "" {
		return fmt.Errorf("%w: set password or password file, not both", ErrInvalidConfig)
	}
	if c.TLSCAFile != "" && !c.TLS {
		return fmt.Errorf("%w: tls ca file set but tls disabled", ErrInvalidConfig)
	}
	if c.DialTimeout < 0 {
		return fmt.Errorf("%w: dial timeout %s is negative", ErrInvalidConfig, c.DialTimeout)
	}
	if c.MaxOpenConns < 0 {
		return fmt.Errorf("%w: max open conns %d is negative", ErrInvalidConfig, c.MaxOpenConns)
	}
	return nil
}

// MarshalZerologObject logs the config without its password.
func (c Config) MarshalZerologObject(e *zerolog.Event) {
	e.Strs("addr", c.Addr).
		Str("database", c.Database).
		Str("cluster", c.Cluster).
		Str("user", c.User).
		Bool("password_set", c.Password != "" || c.PasswordFile != "").
		Bool("tls", c.TLS).
		Dur("dial_timeout", c.DialTimeout).
		Int("max_open_conns", c.MaxOpenConns)
}
