package natsfx

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

// MinDuplicates is the shortest JetStream de-duplication window the design
// allows: publishers retry with the same Nats-Msg-Id for up to a day.
const MinDuplicates = 24 * time.Hour

// maxReplicas is the largest replica count JetStream accepts.
const maxReplicas = 5

// Config is how a service reaches NATS. Values come from CW_* environment
// variables (caarlos0/env tags); [DefaultConfig] holds the defaults.
//
// Config holds secrets: never log it with Interface or as JSON. Its String,
// GoString and MarshalZerologObject methods print a redacted summary.
type Config struct {
	// URL is the NATS server URL, or a comma-separated list of them. Empty
	// starts an embedded nats-server with JetStream in the process, which
	// lets in only User with its password, or Token, when one is set.
	URL string `env:"CW_NATS_URL"`
	// Name is the client connection name shown by the server's monitoring.
	Name string `env:"CW_NATS_NAME" envDefault:"carrywatch"`

	// User and Password authenticate with a user name and password.
	User string `env:"CW_NATS_USER"`
	// Password is the password for User; prefer PasswordFile.
	Password string `env:"CW_NATS_PASSWORD"`
	// PasswordFile holds the password for User. It is read, and trimmed of
	// surrounding white space, at every (re)connect, so a rotated secret is
	// picked up without a restart.
	PasswordFile string `env:"CW_NATS_PASSWORD_FILE"`
	// Token authenticates with a bearer token.
	Token string `env:"CW_NATS_TOKEN"`
	// NKeySeedFile is a file holding a user nkey seed ("SU…").
	NKeySeedFile string `env:"CW_NATS_NKEY_SEED_FILE"`
	// CredsFile is a decentralised-auth .creds file (JWT and seed).
	CredsFile string `env:"CW_NATS_CREDS_FILE"`

	// TLSCAFile is a PEM bundle of CAs to verify the server with.
	TLSCAFile string `env:"CW_NATS_TLS_CA_FILE"`
	// TLSCertFile is the PEM client certificate for mutual TLS.
	TLSCertFile string `env:"CW_NATS_TLS_CERT_FILE"`
	// TLSKeyFile is the PEM private key of TLSCertFile.
	TLSKeyFile string `env:"CW_NATS_TLS_KEY_FILE"`

	// ConnectTimeout bounds each connection attempt to one server.
	ConnectTimeout time.Duration `env:"CW_NATS_CONNECT_TIMEOUT" envDefault:"5s"`
	// ReconnectWait is the first delay between reconnect rounds; it doubles
	// every round up to ReconnectMaxWait, with jitter.
	ReconnectWait time.Duration `env:"CW_NATS_RECONNECT_WAIT" envDefault:"250ms"`
	// ReconnectMaxWait caps the reconnect delay.
	ReconnectMaxWait time.Duration `env:"CW_NATS_RECONNECT_MAX_WAIT" envDefault:"10s"`
	// MaxReconnects is the number of reconnect attempts per server; -1 is
	// forever.
	MaxReconnects int `env:"CW_NATS_MAX_RECONNECTS" envDefault:"-1"`

	// InboxPrefix replaces nats.go's "_INBOX" as the prefix of the reply
	// subjects of requests (JetStream API calls, publish acknowledgements,
	// pulled messages). A deployment gives each user its own prefix and
	// lets it subscribe to that prefix only, so no user can read the
	// replies meant for another. Empty means "_INBOX_<User>" when User is
	// set, else "_INBOX"; see [Config.Inbox].
	InboxPrefix string `env:"CW_NATS_INBOX_PREFIX"`
	// ManageStreams makes Start create the CW_* streams, or update them to
	// Streams. When false Start only checks that they exist and capture
	// their subjects, for users that may not manage streams; an
	// administrator creates them beforehand.
	ManageStreams bool `env:"CW_NATS_MANAGE_STREAMS" envDefault:"true"`

	// Embedded configures the in-process server used when URL is empty.
	Embedded EmbeddedConfig
	// Streams configures the JetStream streams ensured at start.
	Streams StreamsConfig
}

// EmbeddedConfig configures the in-process nats-server. JetStream is always on.
type EmbeddedConfig struct {
	// Listen is host:port for clients; port 0 or -1 picks a free port.
	Listen string `env:"CW_NATS_EMBEDDED_LISTEN" envDefault:"127.0.0.1:4222"`
	// StoreDir is the JetStream storage directory. Empty means a fresh
	// temporary directory, removed when the Bus stops: data does not
	// survive a restart.
	StoreDir string `env:"CW_NATS_STORE_DIR"`
}

// StreamsConfig sets retention and durability of the CW_* streams.
type StreamsConfig struct {
	// EventsMaxAge is how long CW_EVENTS keeps a message; 0 keeps forever.
	EventsMaxAge time.Duration `env:"CW_STREAM_EVENTS_MAX_AGE" envDefault:"0s"`
	// ScoresMaxAge is how long CW_SCORES keeps a message; 0 keeps forever.
	ScoresMaxAge time.Duration `env:"CW_STREAM_SCORES_MAX_AGE" envDefault:"0s"`
	// DLQMaxAge is how long CW_DLQ keeps a message; 0 keeps forever.
	DLQMaxAge time.Duration `env:"CW_STREAM_DLQ_MAX_AGE" envDefault:"720h"`
	// MaxBytes caps each stream's size (oldest messages go first); -1 is
	// unlimited.
	MaxBytes int64 `env:"CW_STREAM_MAX_BYTES" envDefault:"-1"`
	// Replicas is the JetStream replica count, 1 to 5 (3 on a cluster).
	Replicas int `env:"CW_STREAM_REPLICAS" envDefault:"1"`
	// Duplicates is the Nats-Msg-Id de-duplication window, at least
	// [MinDuplicates].
	Duplicates time.Duration `env:"CW_STREAM_DUPLICATES" envDefault:"24h"`
}

// DefaultConfig returns the Config an empty environment yields: embedded
// server on 127.0.0.1:4222, streams kept forever (dead letters 30 days),
// one replica, a 24 h de-duplication window. A test keeps it equal to the
// envDefault tags.
func DefaultConfig() Config {
	return Config{
		Name:             "carrywatch",
		ConnectTimeout:   5 * time.Second,
		ReconnectWait:    250 * time.Millisecond,
		ReconnectMaxWait: 10 * time.Second,
		MaxReconnects:    -1,
		ManageStreams:    true,
		Embedded:         EmbeddedConfig{Listen: "127.0.0.1:4222"},
		Streams: StreamsConfig{
			DLQMaxAge:  720 * time.Hour,
			MaxBytes:   -1,
			Replicas:   1,
			Duplicates: MinDuplicates,
		},
	}
}

// Validate reports every problem in c, each wrapping [ErrInvalidConfig]
// and naming the environment variable; nil when c is usable.
func (c Config) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}

	if c.Password != "" && c.PasswordFile != "" {
		p.Addf("CW_NATS_PASSWORD and CW_NATS_PASSWORD_FILE are both set")
	}
	if (c.Password != "" || c.PasswordFile != "") && c.User == "" {
		p.Addf("a password is set without CW_NATS_USER")
	}
	var methods []string
	if c.User != "" {
		methods = append(methods, "CW_NATS_USER")
	}
	if c.Token != "" {
		methods = append(methods, "CW_NATS_TOKEN")
	}
	if c.NKeySeedFile != "" {
		methods = append(methods, "CW_NATS_NKEY_SEED_FILE")
	}
	if c.CredsFile != "" {
		methods = append(methods, "CW_NATS_CREDS_FILE")
	}
	if len(methods) > 1 {
		p.Addf("choose one authentication method, got %s", strings.Join(methods, ", "))
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		p.Addf("CW_NATS_TLS_CERT_FILE and CW_NATS_TLS_KEY_FILE must be set together")
	}
	if c.ConnectTimeout <= 0 {
		p.Addf("CW_NATS_CONNECT_TIMEOUT must be positive, got %s", c.ConnectTimeout)
	}
	if c.ReconnectWait <= 0 {
		p.Addf("CW_NATS_RECONNECT_WAIT must be positive, got %s", c.ReconnectWait)
	}
	if c.ReconnectMaxWait < c.ReconnectWait {
		p.Addf("CW_NATS_RECONNECT_MAX_WAIT %s is below CW_NATS_RECONNECT_WAIT %s", c.ReconnectMaxWait, c.ReconnectWait)
	}
	if c.MaxReconnects < -1 {
		p.Addf("CW_NATS_MAX_RECONNECTS must be -1 (forever) or more, got %d", c.MaxReconnects)
	}
	if c.InboxPrefix != "" && !validInboxPrefix(c.InboxPrefix) {
		p.Addf("CW_NATS_INBOX_PREFIX %q must be a subject without wildcards, spaces or a trailing dot", c.InboxPrefix)
	}
	if c.URL == "" {
		if c.NKeySeedFile != "" || c.CredsFile != "" {
			p.Addf("CW_NATS_NKEY_SEED_FILE and CW_NATS_CREDS_FILE need CW_NATS_URL: the embedded server takes a user and password or a token")
		}
		p.Add(c.Embedded.Validate())
		if c.Streams.Replicas > 1 {
			p.Addf("CW_STREAM_REPLICAS %d needs a NATS cluster, but CW_NATS_URL is empty (embedded server)", c.Streams.Replicas)
		}
	} else if _, err := parseURLs(c.URL); err != nil {
		p.Add(err)
	}
	p.Add(c.Streams.Validate())
	return p.Err()
}

// RequireURL reports, wrapping [ErrInvalidConfig], a Config without URL:
// for a service that must join a deployment's NATS server rather than
// start an embedded one.
func (c Config) RequireURL() error {
	if c.URL == "" {
		return fmt.Errorf("%w: CW_NATS_URL is not set", ErrInvalidConfig)
	}
	return nil
}

// Validate reports an unusable listen address, wrapping [ErrInvalidConfig].
func (c EmbeddedConfig) Validate() error {
	_, _, err := c.hostPort()
	return err
}

// hostPort splits Listen; port 0 and -1 both become -1 (random), since
// nats-server reads 0 as "default port".
func (c EmbeddedConfig) hostPort() (string, int, error) {
	host, p, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return "", 0, fmt.Errorf("%w: CW_NATS_EMBEDDED_LISTEN %q: %w", ErrInvalidConfig, c.Listen, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < -1 || port > 65535 {
		return "", 0, fmt.Errorf("%w: CW_NATS_EMBEDDED_LISTEN %q: port must be -1 to 65535", ErrInvalidConfig, c.Listen)
	}
	if port == 0 {
		port = -1
	}
	return host, port, nil
}

// Validate reports every problem in c, each wrapping [ErrInvalidConfig].
func (c StreamsConfig) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	if c.Replicas < 1 || c.Replicas > maxReplicas {
		p.Addf("CW_STREAM_REPLICAS must be 1 to %d, got %d", maxReplicas, c.Replicas)
	}
	if c.Duplicates < MinDuplicates {
		p.Addf("CW_STREAM_DUPLICATES must be at least %s, got %s", MinDuplicates, c.Duplicates)
	}
	if c.MaxBytes != -1 && c.MaxBytes <= 0 {
		p.Addf("CW_STREAM_MAX_BYTES must be -1 (unlimited) or positive, got %d", c.MaxBytes)
	}
	for _, a := range []struct {
		env string
		age time.Duration
	}{
		{"CW_STREAM_EVENTS_MAX_AGE", c.EventsMaxAge},
		{"CW_STREAM_SCORES_MAX_AGE", c.ScoresMaxAge},
		{"CW_STREAM_DLQ_MAX_AGE", c.DLQMaxAge},
	} {
		switch {
		case a.age < 0:
			p.Addf("%s must be 0 (forever) or positive, got %s", a.env, a.age)
		case a.age > 0 && a.age < c.Duplicates:
			// JetStream refuses a duplicate window longer than MaxAge.
			p.Addf("%s %s is shorter than CW_STREAM_DUPLICATES %s", a.env, a.age, c.Duplicates)
		}
	}
	return p.Err()
}

// validInboxPrefix reports whether p can prefix reply subjects: dot-separated
// non-empty tokens without wildcards or white space.
func validInboxPrefix(p string) bool {
	for _, tok := range strings.Split(p, ".") {
		if tok == "" || strings.ContainsAny(tok, "*> \t\r\n") {
			return false
		}
	}
	return true
}

// defaultInboxPrefix is nats.go's own reply prefix.
const defaultInboxPrefix = "_INBOX"

// Inbox returns the prefix of the connection's reply subjects: InboxPrefix
// when set; else "_INBOX_<User>" when User is set and can stand in a
// subject (no wildcards or white space), the prefix deploy/nats gives every
// user; else nats.go's "_INBOX".
func (c Config) Inbox() string {
	if c.InboxPrefix != "" {
		return c.InboxPrefix
	}
	if c.User != "" {
		if p := defaultInboxPrefix + "_" + c.User; validInboxPrefix(p) {
			return p
		}
	}
	return defaultInboxPrefix
}

// authMethod names the configured authentication, never its secret.
func (c Config) authMethod() string {
	switch {
	case c.CredsFile != "":
		return "creds"
	case c.NKeySeedFile != "":
		return "nkey"
	case c.Token != "":
		return "token"
	case c.User != "":
		return "user"
	}
	return "none"
}

// RedactedURL returns URL with any password in it replaced by "xxxxx", or
// "embedded" when URL is empty. It is safe to log.
func (c Config) RedactedURL() string {
	if c.URL == "" {
		return "embedded"
	}
	return redactURLs(c.URL)
}

// MarshalZerologObject writes a summary of c without secrets, so
// log.Info().Object("nats", cfg) is safe.
func (c Config) MarshalZerologObject(e *zerolog.Event) {
	e.Str("url", c.RedactedURL()).
		Str("name", c.Name).
		Str("auth", c.authMethod()).
		Str("inbox_prefix", c.Inbox()).
		Bool("tls", c.TLSCAFile != "" || c.TLSCertFile != "")
	if c.URL == "" {
		e.Str("listen", c.Embedded.Listen).Str("store_dir", c.Embedded.StoreDir)
	}
	e.Int("replicas", c.Streams.Replicas).
		Dur("duplicates", c.Streams.Duplicates)
}

// String returns a summary of c without secrets.
func (c Config) String() string {
	return fmt.Sprintf("natsfx.Config{url=%s name=%q auth=%s tls=%t replicas=%d duplicates=%s}",
		c.RedactedURL(), c.Name, c.authMethod(), c.TLSCAFile != "" || c.TLSCertFile != "",
		c.Streams.Replicas, c.Streams.Duplicates)
}

// GoString is String, so %#v does not print secrets either.
func (c Config) GoString() string { return c.String() }

// parseURLs parses a comma-separated server list.
func parseURLs(s string) ([]*url.URL, error) {
	var out []*url.URL
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		u, err := url.Parse(withScheme(part))
		if err != nil || u.Host == "" {
			// The error text would echo the URL and its password.
			return nil, fmt.Errorf("%w: CW_NATS_URL has an unparseable server %q", ErrInvalidConfig, redactURLs(part))
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: CW_NATS_URL lists no server", ErrInvalidConfig)
	}
	return out, nil
}

// redactURLs redacts the password of every URL in a comma-separated list;
// an unparseable entry is replaced whole, since it may hold a secret.
func redactURLs(s string) string {
	parts := strings.Split(s, ",")
	for i, part := range parts {
		part = strings.TrimSpace(part)
		u, err := url.Parse(withScheme(part))
		switch {
		case err != nil:
			parts[i] = "invalid-url"
		case u.User != nil:
			if _, has := u.User.Password(); !has {
				// nats://token@host: the user part is the token.
				u.User = url.User("xxxxx")
			}
			parts[i] = u.Redacted()
		default:
			parts[i] = part
		}
	}
	return strings.Join(parts, ",")
}

// withScheme adds nats:// to a bare host:port, as nats.go does.
func withScheme(s string) string {
	if strings.Contains(s, "://") {
		return s
	}
	return "nats://" + s
}
