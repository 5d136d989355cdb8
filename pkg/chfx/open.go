package chfx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Open connects to the server of cfg over the native protocol and pings it.
// The connection's default database is the server's, because cfg.Database
// may not exist before chschema.Migrate: qualify table names with cfg.Database.
// Errors wrap ErrInvalidConfig or ErrNotConfigured, or are the driver's
// (a *clickhouse.Exception when the server refused, e.g. a wrong password).
func Open(ctx context.Context, cfg Config) (driver.Conn, error) {
	opts, err := options(cfg)
	if err != nil {
		return nil, err
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse %s: %w", strings.Join(opts.Addr, ","), err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("ping clickhouse %s: %w", strings.Join(opts.Addr, ","), err)
	}
	return conn, nil
}

// options translates cfg into driver options, reading the password and CA
// files.
func options(cfg Config) (*clickhouse.Options, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Addr) == 0 {
		return nil, ErrNotConfigured
	}
	password := cfg.Password
	if cfg.PasswordFile != "" {
		b, err := os.ReadFile(cfg.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("%w: read password file: %w", ErrInvalidConfig, err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	var tlsConfig *tls.Config
	if cfg.TLS {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.TLSCAFile != "" {
			pem, err := os.ReadFile(cfg.TLSCAFile)
			if err != nil {
				return nil, fmt.Errorf("%w: read tls ca file: %w", ErrInvalidConfig, err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("%w: tls ca file %s holds no PEM certificate", ErrInvalidConfig, cfg.TLSCAFile)
			}
			tlsConfig.RootCAs = pool
		}
	}
	return &clickhouse.Options{
		Protocol:     clickhouse.Native,
		Addr:         cfg.Addr,
		Auth:         clickhouse.Auth{Username: cfg.User, Password: password},
		TLS:          tlsConfig,
		DialTimeout:  cfg.DialTimeout,
		MaxOpenConns: cfg.MaxOpenConns,
		MaxIdleConns: min(5, cfg.MaxOpenConns),
	}, nil
}
