package chfx_test

import (
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want chfx.Config
	}{
		{
			name: "defaults",
			env:  map[string]string{},
			want: chfx.Config{Database: "carrywatch", User: "default", DialTimeout: 5 * time.Second, MaxOpenConns: 8},
		},
		{
			name: "everything",
			env: map[string]string{
				"CW_CLICKHOUSE_ADDR":           "ch-0:9440,ch-1:9440",
				"CW_CLICKHOUSE_DATABASE":       "cw_test",
				"CW_CLICKHOUSE_USER":           "sink",
				"CW_CLICKHOUSE_PASSWORD_FILE":  "/run/secrets/ch",
				"CW_CLICKHOUSE_TLS":            "true",
				"CW_CLICKHOUSE_TLS_CA_FILE":    "/etc/ca.pem",
				"CW_CLICKHOUSE_DIAL_TIMEOUT":   "2s",
				"CW_CLICKHOUSE_MAX_OPEN_CONNS": "16",
				"CW_CLICKHOUSE_CLUSTER":        "carrywatch",
			},
			want: chfx.Config{
				Addr: []string{"ch-0:9440", "ch-1:9440"}, Database: "cw_test", User: "sink",
				PasswordFile: "/run/secrets/ch", TLS: true, TLSCAFile: "/etc/ca.pem",
				DialTimeout: 2 * time.Second, MaxOpenConns: 16, Cluster: "carrywatch",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got chfx.Config
			require.NoError(t, env.ParseWithOptions(&got, env.Options{Environment: tt.env}))
			assert.Equal(t, tt.want, got)
			assert.NoError(t, got.Validate())
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     chfx.Config
		wantErr bool
	}{
		{name: "zero", cfg: chfx.Config{}},
		{name: "addr", cfg: chfx.Config{Addr: []string{"127.0.0.1:9000", "[::1]:9000"}}},
		{name: "underscore database", cfg: chfx.Config{Database: "_cw_2"}},
		{name: "database with dash", cfg: chfx.Config{Database: "carry-watch"}, wantErr: true},
		{name: "database with dot", cfg: chfx.Config{Database: "a.b"}, wantErr: true},
		{name: "database starting with digit", cfg: chfx.Config{Database: "1cw"}, wantErr: true},
		{name: "database injection", cfg: chfx.Config{Database: "cw; DROP DATABASE x"}, wantErr: true},
		{name: "addr without port", cfg: chfx.Config{Addr: []string{"localhost"}}, wantErr: true},
		{name: "addr bad port", cfg: chfx.Config{Addr: []string{"localhost:http"}}, wantErr: true},
		{name: "password and file", cfg: chfx.Config{Password: "x", PasswordFile: "/f"}, wantErr: true},
		{name: "ca without tls", cfg: chfx.Config{TLSCAFile: "/ca.pem"}, wantErr: true},
		{name: "negative timeout", cfg: chfx.Config{DialTimeout: -time.Second}, wantErr: true},
		{name: "negative conns", cfg: chfx.Config{MaxOpenConns: -1}, wantErr: true},
		{name: "cluster", cfg: chfx.Config{Cluster: "carrywatch"}},
		{name: "cluster with underscore and digit", cfg: chfx.Config{Cluster: "_cw_2"}},
		{name: "cluster with dash", cfg: chfx.Config{Cluster: "carry-watch"}, wantErr: true},
		{name: "cluster with space", cfg: chfx.Config{Cluster: "cw main"}, wantErr: true},
		{name: "cluster injection", cfg: chfx.Config{Cluster: "cw; DROP DATABASE x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr {
				assert.ErrorIs(t, err, chfx.ErrInvalidConfig)
				return
			}
			assert.NoError(t, err)
		})
	}
}

func TestConfigTarget(t *testing.T) {
	assert.Equal(t, chschema.Target{Database: "carrywatch"}, chfx.Config{}.Target())
	assert.Equal(t, chschema.Target{Database: "cw", Cluster: "main"}, chfx.Config{Database: "cw", Cluster: "main"}.Target())
	err := chfx.Config{Cluster: "a.b"}.Validate()
	assert.ErrorIs(t, err, chfx.ErrInvalidConfig)
	assert.ErrorIs(t, err, chschema.ErrInvalidTarget, "the schema's reason is kept")
}

func TestOpenNotConfigured(t *testing.T) {
	_, err := chfx.Open(t.Context(), chfx.Config{})
	assert.ErrorIs(t, err, chfx.ErrNotConfigured)
}

// Validate reports every mistake at once.
func TestConfigValidateReportsEveryProblem(t *testing.T) {
	cfg := chfx.Config{Addr: []string{"localhost"}, Database: "carry-watch", Cluster: "a.b", Password: "x", PasswordFile: "/f"}
	problems := envconfig.Split(cfg.Validate())
	for _, p := range problems {
		assert.ErrorIs(t, p, chfx.ErrInvalidConfig)
	}
	for _, want := range []string{`database "carry-watch" must match`, `cluster "a.b" must match`, `addr "localhost" is not host:port`,
		"set password or password file, not both"} {
		assert.ErrorContains(t, cfg.Validate(), want)
	}
	assert.ErrorIs(t, chfx.Config{}.RequireAddr(), chfx.ErrInvalidConfig)
	assert.ErrorContains(t, chfx.Config{}.RequireAddr(), "CW_CLICKHOUSE_ADDR is not set")
	assert.NoError(t, chfx.Config{Addr: []string{"127.0.0.1:9000"}}.RequireAddr())
}
