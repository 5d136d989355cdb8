package natsfx

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/testutil/envtest"
)

func TestDefaultConfigMatchesEnvDefaults(t *testing.T) {
	got := envtest.Defaults(t, DefaultConfig())
	host, _, err := net.SplitHostPort(got.Embedded.Listen)
	require.NoError(t, err)
	assert.True(t, net.ParseIP(host).IsLoopback(), "the embedded server listens on loopback only by default, not %s", host)
}

func TestConfigFromEnv(t *testing.T) {
	cfg, err := env.ParseAsWithOptions[Config](env.Options{Environment: map[string]string{
		"CW_NATS_URL":              "nats://a:4222,nats://b:4222",
		"CW_NATS_USER":             "sink",
		"CW_NATS_PASSWORD_FILE":    "/run/secrets/nats",
		"CW_NATS_CONNECT_TIMEOUT":  "2s",
		"CW_NATS_EMBEDDED_LISTEN":  "0.0.0.0:-1",
		"CW_NATS_STORE_DIR":        "/var/lib/cw/nats",
		"CW_STREAM_EVENTS_MAX_AGE": "2160h",
		"CW_STREAM_DLQ_MAX_AGE":    "0s",
		"CW_STREAM_REPLICAS":       "3",
		"CW_STREAM_DUPLICATES":     "48h",
		"CW_STREAM_MAX_BYTES":      "1073741824",
		"CW_NATS_INBOX_PREFIX":     "_INBOX_sink",
		"CW_NATS_MANAGE_STREAMS":   "false",
	}})
	require.NoError(t, err)

	want := DefaultConfig()
	want.URL = "nats://a:4222,nats://b:4222"
	want.User = "sink"
	want.PasswordFile = "/run/secrets/nats"
	want.ConnectTimeout = 2 * time.Second
	want.InboxPrefix = "_INBOX_sink"
	want.ManageStreams = false
	want.Embedded = EmbeddedConfig{Listen: "0.0.0.0:-1", StoreDir: "/var/lib/cw/nats"}
	want.Streams = StreamsConfig{
		EventsMaxAge: 2160 * time.Hour,
		MaxBytes:     1 << 30,
		Replicas:     3,
		Duplicates:   48 * time.Hour,
	}
	assert.Equal(t, want, cfg)
	assert.NoError(t, cfg.Validate())
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string // substring; "" means valid
	}{
		{name: "defaults", mutate: func(*Config) {}},
		{name: "user and password", mutate: func(c *Config) { c.User, c.Password = "u", "p" }},
		{name: "user and password file", mutate: func(c *Config) { c.User, c.PasswordFile = "u", "/f" }},
		{name: "token", mutate: func(c *Config) { c.Token = "t" }},
		{name: "nkey", mutate: func(c *Config) { c.URL, c.NKeySeedFile = "nats://n1:4222", "/seed" }},
		{name: "creds", mutate: func(c *Config) { c.URL, c.CredsFile = "nats://n1:4222", "/creds" }},
		{name: "tls ca only", mutate: func(c *Config) { c.TLSCAFile = "/ca.pem" }},
		{name: "mutual tls", mutate: func(c *Config) { c.TLSCertFile, c.TLSKeyFile = "/c.pem", "/k.pem" }},
		{name: "external cluster with R3", mutate: func(c *Config) { c.URL = "nats://n1:4222, nats://n2:4222"; c.Streams.Replicas = 3 }},
		{name: "bare host port", mutate: func(c *Config) { c.URL = "localhost:4222" }},
		{name: "random port 0", mutate: func(c *Config) { c.Embedded.Listen = "127.0.0.1:0" }},
		{name: "max ages at the window", mutate: func(c *Config) {
			c.Streams.EventsMaxAge, c.Streams.ScoresMaxAge, c.Streams.DLQMaxAge = 24*time.Hour, 24*time.Hour, 24*time.Hour
		}},

		{name: "token and user", mutate: func(c *Config) { c.Token, c.User = "t", "u" }, wantErr: "choose one authentication method, got CW_NATS_USER, CW_NATS_TOKEN"},
		{name: "nkey and creds", mutate: func(c *Config) { c.NKeySeedFile, c.CredsFile = "/s", "/c" }, wantErr: "choose one authentication method"},
		{name: "password and password file", mutate: func(c *Config) { c.User, c.Password, c.PasswordFile = "u", "p", "/f" }, wantErr: "CW_NATS_PASSWORD and CW_NATS_PASSWORD_FILE are both set"},
		{name: "password without user", mutate: func(c *Config) { c.Password = "p" }, wantErr: "a password is set without CW_NATS_USER"},
		{name: "tls cert without key", mutate: func(c *Config) { c.TLSCertFile = "/c.pem" }, wantErr: "CW_NATS_TLS_CERT_FILE and CW_NATS_TLS_KEY_FILE must be set together"},
		{name: "tls key without cert", mutate: func(c *Config) { c.TLSKeyFile = "/k.pem" }, wantErr: "must be set together"},
		{name: "zero connect timeout", mutate: func(c *Config) { c.ConnectTimeout = 0 }, wantErr: "CW_NATS_CONNECT_TIMEOUT must be positive"},
		{name: "zero reconnect wait", mutate: func(c *Config) { c.ReconnectWait = 0 }, wantErr: "CW_NATS_RECONNECT_WAIT must be positive"},
		{name: "max wait below wait", mutate: func(c *Config) { c.ReconnectMaxWait = time.Millisecond }, wantErr: "CW_NATS_RECONNECT_MAX_WAIT 1ms is below CW_NATS_RECONNECT_WAIT 250ms"},
		{name: "max reconnects -2", mutate: func(c *Config) { c.MaxReconnects = -2 }, wantErr: "CW_NATS_MAX_RECONNECTS"},
		{name: "replicas 0", mutate: func(c *Config) { c.URL = "nats://n1:4222"; c.Streams.Replicas = 0 }, wantErr: "CW_STREAM_REPLICAS must be 1 to 5, got 0"},
		{name: "replicas 6", mutate: func(c *Config) { c.URL = "nats://n1:4222"; c.Streams.Replicas = 6 }, wantErr: "CW_STREAM_REPLICAS must be 1 to 5, got 6"},
		{name: "replicas 3 on embedded", mutate: func(c *Config) { c.Streams.Replicas = 3 }, wantErr: "CW_STREAM_REPLICAS 3 needs a NATS cluster"},
		{name: "duplicates below a day", mutate: func(c *Config) { c.Streams.Duplicates = 2 * time.Minute }, wantErr: "CW_STREAM_DUPLICATES must be at least 24h0m0s, got 2m0s"},
		{name: "max age below duplicates", mutate: func(c *Config) { c.Streams.EventsMaxAge = time.Hour }, wantErr: "CW_STREAM_EVENTS_MAX_AGE 1h0m0s is shorter than CW_STREAM_DUPLICATES 24h0m0s"},
		{name: "negative max age", mutate: func(c *Config) { c.Streams.DLQMaxAge = -time.Hour }, wantErr: "CW_STREAM_DLQ_MAX_AGE must be 0 (forever) or positive"},
		{name: "zero max bytes", mutate: func(c *Config) { c.Streams.MaxBytes = 0 }, wantErr: "CW_STREAM_MAX_BYTES must be -1 (unlimited) or positive, got 0"},
		{name: "listen without port", mutate: func(c *Config) { c.Embedded.Listen = "127.0.0.1" }, wantErr: "CW_NATS_EMBEDDED_LISTEN \"127.0.0.1\""},
		{name: "listen bad port", mutate: func(c *Config) { c.Embedded.Listen = "127.0.0.1:http" }, wantErr: "port must be -1 to 65535"},
		{name: "nkey with embedded server", mutate: func(c *Config) { c.NKeySeedFile = "/seed" }, wantErr: "CW_NATS_NKEY_SEED_FILE and CW_NATS_CREDS_FILE need CW_NATS_URL"},
		{name: "creds with embedded server", mutate: func(c *Config) { c.CredsFile = "/creds" }, wantErr: "need CW_NATS_URL"},
		{name: "listen ignored with url", mutate: func(c *Config) { c.URL = "nats://n1:4222"; c.Embedded.Listen = "junk" }},
		{name: "unparseable url hides password", mutate: func(c *Config) { c.URL = "nats://u:s3cret@[::1" }, wantErr: "CW_NATS_URL has an unparseable server \"invalid-url\""},
		{name: "empty url list", mutate: func(c *Config) { c.URL = " , " }, wantErr: "CW_NATS_URL lists no server"},
		{name: "inbox prefix", mutate: func(c *Config) { c.InboxPrefix = "_INBOX_sink" }},
		{name: "inbox prefix of two tokens", mutate: func(c *Config) { c.InboxPrefix = "_INBOX.sink" }},
		{name: "inbox prefix with wildcard", mutate: func(c *Config) { c.InboxPrefix = "_INBOX.>" }, wantErr: "CW_NATS_INBOX_PREFIX \"_INBOX.>\" must be a subject"},
		{name: "inbox prefix with trailing dot", mutate: func(c *Config) { c.InboxPrefix = "_INBOX." }, wantErr: "CW_NATS_INBOX_PREFIX"},
		{name: "inbox prefix with space", mutate: func(c *Config) { c.InboxPrefix = "my inbox" }, wantErr: "CW_NATS_INBOX_PREFIX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mutate(&cfg)
			err := cfg.Validate()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidConfig)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "s3cret")
		})
	}
}

func TestConfigValidateReportsEveryProblem(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Token, cfg.User = "t", "u"
	cfg.Streams.Duplicates = time.Hour
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "choose one authentication method")
	assert.Contains(t, err.Error(), "CW_STREAM_DUPLICATES must be at least")
	for _, p := range envconfig.Split(err) {
		assert.ErrorIs(t, p, ErrInvalidConfig)
	}
	assert.ErrorIs(t, Config{}.RequireURL(), ErrInvalidConfig)
	assert.ErrorContains(t, Config{}.RequireURL(), "CW_NATS_URL is not set")
	assert.NoError(t, Config{URL: "nats://127.0.0.1:4222"}.RequireURL())
}

func TestEmbeddedHostPort(t *testing.T) {
	tests := []struct {
		listen   string
		wantHost string
		wantPort int
	}{
		{"127.0.0.1:4222", "127.0.0.1", 4222},
		{"127.0.0.1:0", "127.0.0.1", -1},
		{"127.0.0.1:-1", "127.0.0.1", -1},
		{"[::1]:4223", "::1", 4223},
		{":4222", "", 4222},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			host, port, err := EmbeddedConfig{Listen: tt.listen}.hostPort()
			require.NoError(t, err)
			assert.Equal(t, tt.wantHost, host)
			assert.Equal(t, tt.wantPort, port)
		})
	}
}

func TestConfigInbox(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{name: "no user", mutate: func(*Config) {}, want: "_INBOX"},
		{name: "user", mutate: func(c *Config) { c.User, c.Password = "admin", "p" }, want: "_INBOX_admin"},
		{name: "user of two tokens", mutate: func(c *Config) { c.User = "desk.quant" }, want: "_INBOX_desk.quant"},
		{name: "user that cannot stand in a subject", mutate: func(c *Config) { c.User = "quant desk" }, want: "_INBOX"},
		{name: "user with a wildcard", mutate: func(c *Config) { c.User = "q*" }, want: "_INBOX"},
		{name: "token", mutate: func(c *Config) { c.Token = "t" }, want: "_INBOX"},
		{name: "explicit prefix wins", mutate: func(c *Config) { c.User, c.InboxPrefix = "admin", "_INBOX_ops" }, want: "_INBOX_ops"},
		{name: "explicit prefix without user", mutate: func(c *Config) { c.InboxPrefix = "_INBOX_ops" }, want: "_INBOX_ops"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mutate(&cfg)
			assert.Equal(t, tt.want, cfg.Inbox())
		})
	}
}

func TestRedactURLs(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"nats://127.0.0.1:4222", "nats://127.0.0.1:4222"},
		{"nats://user:pw@n1:4222", "nats://user:xxxxx@n1:4222"},
		{"nats://tok3n@n1:4222", "nats://xxxxx@n1:4222"},
		{"nats://a:pw@n1:4222,tls://b:pw2@n2:4222", "nats://a:xxxxx@n1:4222,tls://b:xxxxx@n2:4222"},
		{"u:pw@n1:4222", "nats://u:xxxxx@n1:4222"},
		{"nats://u:pw@[::1", "invalid-url"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, redactURLs(tt.in))
		})
	}
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := DefaultConfig()
	cfg.URL = "nats://svc:urlsecret@n1:4222"
	cfg.User, cfg.Password = "svc", "pwsecret"
	cfg.Token = "toksecret" // invalid with User, but must not leak either

	var buf bytes.Buffer
	log := zerolog.New(&buf)
	log.Info().Object("nats", cfg).Msg("config")
	outputs := map[string]string{
		"%v":      fmt.Sprintf("%v", cfg),
		"%+v":     fmt.Sprintf("%+v", cfg),
		"%#v":     fmt.Sprintf("%#v", cfg),
		"zerolog": buf.String(),
		"error":   errors.Unwrap(fmt.Errorf("x: %w", cfg.Validate())).Error(),
	}
	for name, out := range outputs {
		for _, secret := range []string{"urlsecret", "pwsecret", "toksecret"} {
			assert.NotContains(t, out, secret, name)
		}
	}
	assert.Contains(t, buf.String(), `"url":"nats://svc:xxxxx@n1:4222"`)
	assert.Contains(t, buf.String(), `"auth":"token"`)
}
