package natsfx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// Bus owns a service's NATS connection, its JetStream context and, when
// Config.URL is empty, the embedded nats-server. Build it with [New], then
// Start and Stop it (fx does both through [Module]). Accessors are safe for
// concurrent use; Conn and JetStream return nil before Start and after Stop.
type Bus struct {
	cfg  Config
	root zerolog.Logger
	log  zerolog.Logger

	mu      sync.RWMutex
	srv     *server.Server
	tempDir string
	url     string
	nc      *nats.Conn
	js      jetstream.JetStream
}

// New returns an unstarted Bus. It does no I/O; Start validates cfg.
func New(cfg Config, log zerolog.Logger) *Bus {
	return &Bus{
		cfg:  cfg,
		root: log,
		log:  log.With().Str("component", "nats").Logger(),
	}
}

// Start starts the embedded server if Config.URL is empty (letting in
// only Config's user and password, or token, when set), connects, and
// ensures the CW_* streams (or, with ManageStreams false, checks that they
// exist). On error it releases whatever it had started and returns an
// error wrapping [ErrInvalidConfig], [ErrAlreadyStarted],
// [ErrEmbeddedNotReady], the nats.go connect error ("connect nats <url>: …",
// password redacted), [ErrStreamMissing] or the stream error ("ensure
// stream …", "look up stream …"). A stream error also quotes the server's
// last error on the connection, such as a permissions violation, which
// explains a request that got no reply.
func (b *Bus) Start(ctx context.Context) (err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.nc != nil {
		return ErrAlreadyStarted
	}
	if err := b.cfg.Validate(); err != nil {
		return err
	}
	opts, err := Options(b.cfg, b.log)
	if err != nil {
		return err
	}

	url := b.cfg.URL
	var srv *server.Server
	var tempDir string
	if url == "" {
		var auth embeddedAuth
		if auth, err = b.cfg.embeddedAuth(); err != nil {
			return err
		}
		srv, tempDir, err = startEmbedded(b.cfg.Embedded, auth, b.root)
		if err != nil {
			return err
		}
		defer func() {
			if err != nil {
				shutdownEmbedded(srv, tempDir)
			}
		}()
		url = dialableURL(srv.ClientURL())
	}

	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return fmt.Errorf("connect nats %s: %w", redactURLs(url), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return fmt.Errorf("jetstream context: %w", err)
	}
	streams := func() error { return ensureStreams(ctx, js, b.cfg.Streams, b.log) }
	if !b.cfg.ManageStreams {
		streams = func() error { return verifyStreams(ctx, js, b.log) }
	}
	if err := streams(); err != nil {
		err = withServerError(err, nc)
		nc.Close()
		return err
	}

	b.srv, b.tempDir, b.url, b.nc, b.js = srv, tempDir, redactURLs(url), nc, js
	b.log.Info().Str("url", nc.ConnectedUrlRedacted()).Bool("embedded", srv != nil).
		Str("server_id", nc.ConnectedServerId()).Str("inbox_prefix", b.cfg.Inbox()).Bool("manage_streams", b.cfg.ManageStreams).
		Msg("nats connected, streams ready")
	return nil
}

// Stop drains the connection (in-flight messages are delivered and
// acknowledged, publishes flushed), waits for it to close, then shuts the
// embedded server down and removes its temporary store. If ctx ends first
// it closes the connection without finishing the drain (or leaves the
// server to finish shutting down in the background) and returns an error
// wrapping ctx.Err(). Stop on an unstarted Bus returns nil.
func (b *Bus) Stop(ctx context.Context) error {
	b.mu.Lock()
	nc, srv, tempDir := b.nc, b.srv, b.tempDir
	b.nc, b.js, b.srv, b.tempDir, b.url = nil, nil, nil, "", ""
	b.mu.Unlock()

	var errs []error
	if nc != nil {
		if err := drain(ctx, nc); err != nil {
			errs = append(errs, err)
		} else {
			b.log.Info().Msg("nats drained")
		}
	}
	if srv != nil {
		done := make(chan struct{})
		go func() {
			defer close(done)
			shutdownEmbedded(srv, tempDir)
		}()
		select {
		case <-done:
			b.log.Info().Msg("embedded nats server stopped")
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("shut down embedded nats: %w", ctx.Err()))
		}
	}
	return errors.Join(errs...)
}

// withServerError adds nc's last asynchronous server error to err: a
// request the server refused for lack of permission gets no reply, only a
// timeout, while the reason arrives on the connection.
func withServerError(err error, nc *nats.Conn) error {
	if last := nc.LastError(); last != nil {
		return fmt.Errorf("%w (last server error: %v)", err, last)
	}
	return err
}

// drain drains nc and waits until it is closed or ctx ends.
func drain(ctx context.Context, nc *nats.Conn) error {
	closed := nc.StatusChanged(nats.CLOSED)
	defer nc.RemoveStatusListener(closed)
	if err := nc.Drain(); err != nil {
		if nc.IsClosed() {
			return nil
		}
		nc.Close()
		return fmt.Errorf("drain nats: %w", err)
	}
	if nc.IsClosed() {
		return nil
	}
	select {
	case <-closed:
		return nil
	case <-ctx.Done():
		nc.Close()
		return fmt.Errorf("drain nats: %w", ctx.Err())
	}
}

// shutdownEmbedded stops srv, waits for it, and removes tempDir if set.
func shutdownEmbedded(srv *server.Server, tempDir string) {
	srv.Shutdown()
	srv.WaitForShutdown()
	if tempDir != "" {
		_ = os.RemoveAll(tempDir)
	}
}

// Conn returns the connection, nil before Start and after Stop.
func (b *Bus) Conn() *nats.Conn {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.nc
}

// JetStream returns the JetStream context, nil before Start and after Stop.
func (b *Bus) JetStream() jetstream.JetStream {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.js
}

// ClientURL returns the URL Start connected to — the embedded server's, on
// loopback, when Config.URL is empty — with any password or token in it
// redacted, so it is safe to log; "" before Start and after Stop.
func (b *Bus) ClientURL() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.url
}

// StreamReplicas returns the replica count the CW_* streams are created
// with (CW_STREAM_REPLICAS, at least 1), for other JetStream assets that
// should be as durable.
func (b *Bus) StreamReplicas() int { return max(b.cfg.Streams.Replicas, 1) }

// Embedded returns the embedded server, nil when Config.URL is set or the
// Bus is not running.
func (b *Bus) Embedded() *server.Server {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.srv
}

// Ready returns nil when the connection is up; otherwise [ErrNotStarted],
// or an error wrapping [ErrNotConnected] that names the connection status
// (RECONNECTING, DRAINING_SUBS, CLOSED, …). Use it for /readyz.
func (b *Bus) Ready() error {
	nc := b.Conn()
	if nc == nil {
		return ErrNotStarted
	}
	if st := nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("%w: status %s", ErrNotConnected, st)
	}
	return nil
}
