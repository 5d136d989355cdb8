package natsfx

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/rs/zerolog"
)

const (
	// embeddedReadyTimeout bounds how long StartEmbedded waits for the listener.
	embeddedReadyTimeout = 10 * time.Second
	// readyStep is how often StartEmbedded checks for a fatal server error
	// while waiting.
	readyStep = 50 * time.Millisecond
)

// StartEmbedded runs nats-server in this process with JetStream on,
// listening on cfg.Listen, and returns once it accepts connections; connect
// to srv.ClientURL(). The caller stops it with Shutdown and WaitForShutdown.
//
// log should not carry a component field yet: the server logs through it
// with component "nats-server" — warnings and
// errors always, notices at debug, its debug lines only when log is at
// debug level. It never writes to stderr itself and ignores signals.
//
// With an empty cfg.StoreDir it stores in a new temporary directory that
// the caller owns and removes after shutdown; Bus does. It returns an error
// wrapping [ErrInvalidConfig] for a bad listen address, or
// [ErrEmbeddedNotReady] when the server does not start listening within
// 10 s (for example the port is taken).
//
// The server lets in any client; a [Bus] with credentials in its Config
// starts one that lets in only those.
func StartEmbedded(cfg EmbeddedConfig, log zerolog.Logger) (*server.Server, error) {
	srv, _, err := startEmbedded(cfg, embeddedAuth{}, log)
	return srv, err
}

// embeddedAuth is who the embedded server lets in: the user with its
// password, or the token holder; anyone when both are empty.
type embeddedAuth struct {
	user, password, token string
}

// embeddedAuth returns the credentials of c as the embedded server's
// only login, reading PasswordFile once.
func (c Config) embeddedAuth() (embeddedAuth, error) {
	switch {
	case c.User != "" && c.PasswordFile != "":
		pw, err := readSecret(c.PasswordFile)
		if err != nil {
			return embeddedAuth{}, err
		}
		return embeddedAuth{user: c.User, password: pw}, nil
	case c.User != "":
		return embeddedAuth{user: c.User, password: c.Password}, nil
	case c.Token != "":
		return embeddedAuth{token: c.Token}, nil
	}
	return embeddedAuth{}, nil
}

// method names the login a for logs, never its secret.
func (a embeddedAuth) method() string {
	switch {
	case a.user != "":
		return "user"
	case a.token != "":
		return "token"
	}
	return "none"
}

// startEmbedded is StartEmbedded with auth's login required, that also
// returns the temporary store directory it created, "" if cfg.StoreDir
// was set.
func startEmbedded(cfg EmbeddedConfig, auth embeddedAuth, log zerolog.Logger) (srv *server.Server, tempDir string, err error) {
	host, port, err := cfg.hostPort()
	if err != nil {
		return nil, "", err
	}
	storeDir := cfg.StoreDir
	if storeDir == "" {
		tempDir, err = os.MkdirTemp("", "carrywatch-nats-")
		if err != nil {
			return nil, "", fmt.Errorf("create embedded nats store dir: %w", err)
		}
		storeDir = tempDir
		defer func() {
			if err != nil {
				_ = os.RemoveAll(tempDir)
			}
		}()
	}

	opts := &server.Options{
		ServerName: "carrywatch-embedded",
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   storeDir,
		NoSigs:     true,
		NoLog:      true, // we install our own logger below
	}
	switch {
	case auth.user != "":
		opts.Users = []*server.User{{Username: auth.user, Password: auth.password}}
	case auth.token != "":
		opts.Authorization = auth.token
	}
	srv, err = server.NewServer(opts)
	if err != nil {
		return nil, "", fmt.Errorf("create embedded nats server: %w", err)
	}
	slog := log.With().Str("component", "nats-server").Logger()
	fatal := make(chan string, 1)
	srv.SetLogger(serverLogger{log: slog, fatal: fatal}, slog.GetLevel() <= zerolog.DebugLevel, false)
	srv.Start()
	if err := waitReady(srv, fatal, embeddedReadyTimeout); err != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, "", fmt.Errorf("%w: listen %s: %w", ErrEmbeddedNotReady, cfg.Listen, err)
	}
	slog.Info().Str("url", srv.ClientURL()).Str("store_dir", storeDir).Str("auth", auth.method()).
		Msg("embedded nats server started")
	return srv, tempDir, nil
}

// waitReady waits until srv accepts clients. It returns early with the
// server's fatal error (such as "address already in use"), which
// ReadyForConnections alone would only report after the whole timeout.
func waitReady(srv *server.Server, fatal <-chan string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for !srv.ReadyForConnections(readyStep) {
		select {
		case detail := <-fatal:
			return errors.New(detail)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready within %s", timeout)
		}
	}
	return nil
}

// dialableURL turns a server's client URL on a wildcard address
// (0.0.0.0, ::) into one on loopback, which a client can dial.
func dialableURL(clientURL string) string {
	u, err := url.Parse(clientURL)
	if err != nil {
		return clientURL
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
		loop := "127.0.0.1"
		if ip.To4() == nil {
			loop = "::1"
		}
		u.Host = net.JoinHostPort(loop, u.Port())
	}
	return u.String()
}

// serverLogger adapts zerolog to nats-server's Logger. Messages stay
// constant; the server's formatted line goes in the "detail" field. The
// first fatal line is also sent on fatal (nats-server's own logger would
// exit the process; a library must not).
type serverLogger struct {
	log   zerolog.Logger
	fatal chan<- string
}

var _ server.Logger = serverLogger{}

func (l serverLogger) Noticef(format string, v ...any) {
	l.log.Debug().Str("detail", fmt.Sprintf(format, v...)).Msg("nats server notice")
}

func (l serverLogger) Warnf(format string, v ...any) {
	l.log.Warn().Str("detail", fmt.Sprintf(format, v...)).Msg("nats server warning")
}

func (l serverLogger) Fatalf(format string, v ...any) {
	detail := fmt.Sprintf(format, v...)
	l.log.Error().Str("detail", detail).Msg("nats server fatal error")
	select {
	case l.fatal <- detail:
	default:
	}
}

func (l serverLogger) Errorf(format string, v ...any) {
	l.log.Error().Str("detail", fmt.Sprintf(format, v...)).Msg("nats server error")
}

func (l serverLogger) Debugf(format string, v ...any) {
	l.log.Debug().Str("detail", fmt.Sprintf(format, v...)).Msg("nats server debug")
}

func (l serverLogger) Tracef(format string, v ...any) {
	l.log.Trace().Str("detail", fmt.Sprintf(format, v...)).Msg("nats server trace")
}
