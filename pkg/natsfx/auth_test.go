package natsfx_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// writeFile writes content to a new file in a temp dir and returns its path.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, content, 0o600))
	return path
}

func TestOptionsAuthenticate(t *testing.T) {
	userKP, err := nkeys.CreateUser()
	require.NoError(t, err)
	userPub, err := userKP.PublicKey()
	require.NoError(t, err)
	userSeed, err := userKP.Seed()
	require.NoError(t, err)
	otherKP, err := nkeys.CreateUser()
	require.NoError(t, err)
	otherSeed, err := otherKP.Seed()
	require.NoError(t, err)

	withUsers := func(o *server.Options) {
		o.Users = []*server.User{{Username: "sink", Password: "s3cret-pw"}}
	}
	withToken := func(o *server.Options) { o.Authorization = "s3cret-token" }
	withNkey := func(o *server.Options) { o.Nkeys = []*server.NkeyUser{{Nkey: userPub}} }

	tests := []struct {
		name      string
		server    func(*server.Options)
		cfg       func(t *testing.T, c *natsfx.Config)
		wantError error // nil: connects
	}{
		{
			name:   "user and password",
			server: withUsers,
			cfg:    func(_ *testing.T, c *natsfx.Config) { c.User, c.Password = "sink", "s3cret-pw" },
		},
		{
			name:   "password file is trimmed",
			server: withUsers,
			cfg: func(t *testing.T, c *natsfx.Config) {
				c.User, c.PasswordFile = "sink", writeFile(t, "pw", []byte("  s3cret-pw\n"))
			},
		},
		{
			name:      "wrong password refused",
			server:    withUsers,
			cfg:       func(_ *testing.T, c *natsfx.Config) { c.User, c.Password = "sink", "guess" },
			wantError: nats.ErrAuthorization,
		},
		{
			name:      "no credentials refused",
			server:    withUsers,
			cfg:       func(*testing.T, *natsfx.Config) {},
			wantError: nats.ErrAuthorization,
		},
		{
			name:   "token",
			server: withToken,
			cfg:    func(_ *testing.T, c *natsfx.Config) { c.Token = "s3cret-token" },
		},
		{
			name:      "wrong token refused",
			server:    withToken,
			cfg:       func(_ *testing.T, c *natsfx.Config) { c.Token = "guess" },
			wantError: nats.ErrAuthorization,
		},
		{
			name:   "nkey seed file",
			server: withNkey,
			cfg: func(t *testing.T, c *natsfx.Config) {
				c.NKeySeedFile = writeFile(t, "user.nk", userSeed)
			},
		},
		{
			name:   "unknown nkey refused",
			server: withNkey,
			cfg: func(t *testing.T, c *natsfx.Config) {
				c.NKeySeedFile = writeFile(t, "other.nk", otherSeed)
			},
			wantError: nats.ErrAuthorization,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := natstest.NewWithOptions(t, tt.server)
			cfg := natsfx.DefaultConfig()
			cfg.URL = srv.URL
			tt.cfg(t, &cfg)
			log, logs := testLogger(t)

			opts, err := natsfx.Options(cfg, log)
			require.NoError(t, err)
			nc, err := nats.Connect(srv.URL, opts...)
			if tt.wantError != nil {
				require.ErrorIs(t, err, tt.wantError)
				return
			}
			require.NoError(t, err)
			t.Cleanup(nc.Close)
			assert.True(t, nc.IsConnected())
			require.NoError(t, nc.Publish("cw.events.test", []byte("x")))
			require.NoError(t, nc.Flush())
			assert.NotContains(t, logs.String(), "s3cret")
		})
	}
}

func TestOptionsRejectsUnusableSecrets(t *testing.T) {
	log, _ := testLogger(t)
	tests := []struct {
		name    string
		cfg     func(t *testing.T, c *natsfx.Config)
		wantErr error
		wantMsg string
	}{
		{
			name:    "invalid config",
			cfg:     func(_ *testing.T, c *natsfx.Config) { c.Token, c.User = "t", "u" },
			wantErr: natsfx.ErrInvalidConfig,
		},
		{
			name: "missing password file",
			cfg: func(t *testing.T, c *natsfx.Config) {
				c.User, c.PasswordFile = "u", filepath.Join(t.TempDir(), "absent")
			},
			wantErr: os.ErrNotExist,
			wantMsg: "read nats password file",
		},
		{
			name: "empty password file",
			cfg: func(t *testing.T, c *natsfx.Config) {
				c.User, c.PasswordFile = "u", writeFile(t, "pw", []byte("\n"))
			},
			wantErr: natsfx.ErrInvalidConfig,
			wantMsg: "is empty",
		},
		{
			name:    "bad nkey seed",
			cfg:     func(t *testing.T, c *natsfx.Config) { c.NKeySeedFile = writeFile(t, "bad.nk", []byte("SUnotaseed")) },
			wantMsg: "load nkey seed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := natsfx.DefaultConfig()
			cfg.URL = "nats://127.0.0.1:4222"
			tt.cfg(t, &cfg)
			_, err := natsfx.Options(cfg, log)
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

// An embedded server started with credentials in the Config lets in only
// those: the Bus itself connects, a client without them is refused.
func TestBusEmbeddedRequiresItsCredentials(t *testing.T) {
	tests := []struct {
		name    string
		cfg     func(t *testing.T, c *natsfx.Config)
		login   nats.Option
		refused []nats.Option
		wantLog string
	}{
		{
			name:    "user and password",
			cfg:     func(_ *testing.T, c *natsfx.Config) { c.User, c.Password = "admin", "s3cret-pw" },
			login:   nats.UserInfo("admin", "s3cret-pw"),
			refused: []nats.Option{nats.UserInfo("admin", "guess"), nats.UserInfo("root", "s3cret-pw"), nats.Token("s3cret-pw")},
			wantLog: `"auth":"user"`,
		},
		{
			name: "user and password file",
			cfg: func(t *testing.T, c *natsfx.Config) {
				c.User, c.PasswordFile = "admin", writeFile(t, "pw", []byte("s3cret-pw\n"))
			},
			login:   nats.UserInfo("admin", "s3cret-pw"),
			refused: []nats.Option{nats.UserInfo("admin", "s3cret-pw\n")},
			wantLog: `"auth":"user"`,
		},
		{
			name:    "token",
			cfg:     func(_ *testing.T, c *natsfx.Config) { c.Token = "s3cret-token" },
			login:   nats.Token("s3cret-token"),
			refused: []nats.Option{nats.Token("guess"), nats.UserInfo("admin", "s3cret-token")},
			wantLog: `"auth":"token"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := embeddedConfig("")
			tt.cfg(t, &cfg)
			log, logs := testLogger(t)
			b := natsfx.New(cfg, log)
			require.NoError(t, b.Start(testContext(t)))
			t.Cleanup(func() { _ = b.Stop(context.Background()) })
			require.NoError(t, b.Ready())

			for i, opt := range append(tt.refused, nats.Name("no credentials")) {
				_, err := nats.Connect(b.ClientURL(), opt, nats.MaxReconnects(0))
				assert.ErrorIs(t, err, nats.ErrAuthorization, "refused login %d", i)
			}
			nc, err := nats.Connect(b.ClientURL(), tt.login)
			require.NoError(t, err)
			nc.Close()
			assert.Contains(t, logs.String(), tt.wantLog)
			assert.NotContains(t, logs.String(), "s3cret")
		})
	}
}
