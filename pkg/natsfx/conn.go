package natsfx

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/backoff"
)

// Options returns the nats.go options for cfg: name, timeouts, reconnect
// forever with exponential backoff and jitter, authentication, the inbox
// prefix ([Config.Inbox]), TLS, and connection event handlers that log with a "url" field
// (password redacted) and never a credential.
//
// It validates cfg and reads PasswordFile and NKeySeedFile, so a missing or
// unreadable secret fails here rather than at the first reconnect; the
// error wraps [ErrInvalidConfig] or the file error. TLS and creds files are
// loaded by nats.Connect, whose error says which file is wrong.
func Options(cfg Config, log zerolog.Logger) ([]nats.Option, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.Timeout(cfg.ConnectTimeout),
		nats.MaxReconnects(cfg.MaxReconnects),
		nats.CustomReconnectDelay(func(attempts int) time.Duration {
			return reconnectDelay(cfg.ReconnectWait, cfg.ReconnectMaxWait, attempts, rand.Float64)
		}),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			if nc.IsClosed() {
				// Close and Drain call this too; the closed handler logs it.
				return
			}
			log.Warn().Err(err).Str("url", connURL(nc)).Msg("nats disconnected, reconnecting")
		}),
		nats.ReconnectErrHandler(func(nc *nats.Conn, err error) {
			log.Debug().Err(err).Str("url", connURL(nc)).Msg("nats reconnect attempt failed")
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info().Str("url", connURL(nc)).Uint64("reconnects", nc.Stats().Reconnects).Msg("nats reconnected")
		}),
		nats.ClosedHandler(func(nc *nats.Conn) {
			ev := log.Info()
			if err := nc.LastError(); err != nil {
				ev = log.Warn().Err(err)
			}
			ev.Str("url", connURL(nc)).Msg("nats connection closed")
		}),
		nats.ErrorHandler(func(nc *nats.Conn, sub *nats.Subscription, err error) {
			ev := log.Warn().Err(err).Str("url", connURL(nc))
			if sub != nil {
				ev = ev.Str("subject", sub.Subject)
			}
			ev.Msg("nats async error, continuing")
		}),
	}

	switch {
	case cfg.PasswordFile != "":
		pw, err := readSecret(cfg.PasswordFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, nats.UserInfoHandler(passwordFileHandler(cfg.User, cfg.PasswordFile, pw, log)))
	case cfg.User != "":
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	case cfg.Token != "":
		opts = append(opts, nats.Token(cfg.Token))
	case cfg.NKeySeedFile != "":
		o, err := nats.NkeyOptionFromSeed(cfg.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("load nkey seed %s: %w", cfg.NKeySeedFile, err)
		}
		opts = append(opts, o)
	case cfg.CredsFile != "":
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	}

	if p := cfg.Inbox(); p != defaultInboxPrefix {
		opts = append(opts, nats.CustomInboxPrefix(p))
	}
	if cfg.TLSCAFile != "" {
		opts = append(opts, nats.RootCAs(cfg.TLSCAFile))
	}
	if cfg.TLSCertFile != "" {
		opts = append(opts, nats.ClientCert(cfg.TLSCertFile, cfg.TLSKeyFile))
	}
	return opts, nil
}

// reconnectDelay is the sleep before reconnect round attempts (1, 2, …):
// base doubled per round, capped at max, then "equal jitter" — uniformly in
// [d/2, d) — so a fleet does not reconnect in lock-step yet never spins.
func reconnectDelay(base, max time.Duration, attempts int, rnd func() float64) time.Duration {
	d := backoff.Policy{First: base, Max: max}.Delay(attempts)
	half := d / 2
	return half + time.Duration(rnd()*float64(d-half))
}

// readSecret reads a secret file and trims surrounding white space.
func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read nats password file: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("%w: nats password file %s is empty", ErrInvalidConfig, path)
	}
	return s, nil
}

// passwordFileHandler re-reads the password file at every (re)connect so a
// rotated secret is used; if the file cannot be read it keeps the last good
// password and says so.
func passwordFileHandler(user, path, initial string, log zerolog.Logger) nats.UserInfoCB {
	var mu sync.Mutex
	last := initial
	return func() (string, string) {
		mu.Lock()
		defer mu.Unlock()
		pw, err := readSecret(path)
		if err != nil {
			log.Warn().Err(err).Str("file", path).Msg("nats password file unreadable, using last password")
			return user, last
		}
		last = pw
		return user, pw
	}
}

// connURL is the server nc is (or was last asked to be) connected to, with
// any password redacted.
func connURL(nc *nats.Conn) string {
	if u := nc.ConnectedUrlRedacted(); u != "" {
		return u
	}
	return redactURLs(strings.Join(nc.Opts.Servers, ","))
}
