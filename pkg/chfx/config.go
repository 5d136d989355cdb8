package chfx

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/envconfig"
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

// Validate reports every unusable field, each wrapping ErrInvalidConfig (and
// chschema.ErrInvalidTarget for a database or cluster name that cannot be
// spliced into DDL). Zero fields are valid (they take their defaults) and so
// is an empty Addr (see RequireAddr).
func (c Config) Validate() error {
	c = c.WithDefaults()
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	for _, err := range envconfig.Split(c.Target().Validate()) {
		p.Addf("%w", err)
	}
	for _, a := range c.Addr {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" {
			p.Addf("addr %q is not host:port", a)
			continue
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			p.Addf("addr %q has no valid port", a)
		}
	}
	if c.Password != "" && c.PasswordFile != "" {
		p.Addf("set password or password file, not both")
	}
	if c.TLSCAFile != "" && !c.TLS {
		p.Addf("tls ca file set but tls disabled")
	}
	if c.DialTimeout < 0 {
		p.Addf("dial timeout %s is negative", c.DialTimeout)
	}
	if c.MaxOpenConns < 0 {
		p.Addf("max open conns %d is negative", c.MaxOpenConns)
	}
	return p.Err()
}

// RequireAddr reports, wrapping ErrInvalidConfig, a Config without Addr:
// for a service that must reach a deployment's ClickHouse rather than
// start a local server.
func (c Config) RequireAddr() error {
	if len(c.Addr) == 0 {
		return fmt.Errorf("%w: CW_CLICKHOUSE_ADDR is not set", ErrInvalidConfig)
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
