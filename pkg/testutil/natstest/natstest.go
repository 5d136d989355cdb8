// Package natstest runs a real nats-server with JetStream inside a test:
// random port, store in t.TempDir(), no logging, shut down by t.Cleanup.
package natstest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Server is a running in-process JetStream server.
type Server struct {
	// URL is the client URL (nats://127.0.0.1:<port>, tls:// with TLS).
	URL string
	// Srv is the server, for tests that inspect it. Restart replaces it.
	Srv *server.Server

	// opts are the options of the next start: the first start's, with the
	// port it bound.
	opts *server.Options
}

// New starts a JetStream server on 127.0.0.1 and a random port, stored in
// t.TempDir(), and shuts it down when the test ends. It fails the test if
// the server does not start within 10 s.
func New(t testing.TB) *Server {
	t.Helper()
	return NewWithOptions(t, nil)
}

// options are a test server's: 127.0.0.1 and a random port, JetStream
// stored in t.TempDir(), no log and no signal handlers.
func options(t testing.TB) *server.Options {
	return &server.Options{
		Host:      "127.0.0.1",
		Port:      server.RANDOM_PORT,
		JetStream: true,
		StoreDir:  t.TempDir(),
		NoLog:     true,
		NoSigs:    true,
	}
}

// NewWithOptions is New with configure applied to the server options
// before start, for auth or TLS; configure may be nil.
func NewWithOptions(t testing.TB, configure func(*server.Options)) *Server {
	t.Helper()
	opts := options(t)
	if configure != nil {
		configure(opts)
	}
	s := &Server{opts: opts}
	s.start(t)
	t.Cleanup(s.Shutdown)
	return s
}

// start starts a server with s.opts and pins s.opts.Port to the port it
// bound, so that a restart listens where the clients reconnect.
func (s *Server) start(t testing.TB) {
	t.Helper()
	srv, err := server.NewServer(s.opts.Clone())
	if err != nil {
		t.Fatalf("natstest: new server: %v", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		t.Fatalf("natstest: server not ready within 10s")
	}
	s.Srv, s.URL = srv, srv.ClientURL()
	s.opts.Port = srv.Addr().(*net.TCPAddr).Port
}

// Shutdown stops the server and waits until it has stopped, as a crash of
// the server process would, minus the loss of unsynced writes: clients
// see their connection drop and start reconnecting. Shutting down a
// stopped server does nothing.
func (s *Server) Shutdown() {
	s.Srv.Shutdown()
	s.Srv.WaitForShutdown()
}

// Restart shuts the server down if it runs, then starts a new one with the
// same options on the same port and store directory: streams, consumers
// and messages come back from the file store, and clients that reconnect
// to URL find them. It fails the test if the new server does not start
// within 10 s.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Shutdown()
	s.start(t)
}

// Connect connects to the server with opts and closes the connection when
// the test ends; it fails the test if the connection is refused.
func (s *Server) Connect(t testing.TB, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(s.URL, opts...)
	if err != nil {
		t.Fatalf("natstest: connect %s: %v", s.URL, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// JetStream connects and returns a JetStream context on that connection.
func (s *Server) JetStream(t testing.TB, opts ...nats.Option) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(s.Connect(t, opts...))
	if err != nil {
		t.Fatalf("natstest: jetstream: %v", err)
	}
	return js
}

// Streams creates CW_EVENTS, CW_SCORES and CW_DLQ with the defaults of
// natsfx.DefaultConfig and returns the JetStream context it used.
func (s *Server) Streams(t testing.TB, opts ...nats.Option) jetstream.JetStream {
	t.Helper()
	js := s.JetStream(t, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := natsfx.EnsureStreams(ctx, js, natsfx.DefaultConfig().Streams); err != nil {
		t.Fatalf("natstest: %v", err)
	}
	return js
}

// Count returns how many messages stream holds on the subjects filter
// matches (wildcards allowed), read from the stream's info: no consumer.
func Count(t testing.TB, js jetstream.JetStream, stream, filter string) int {
	t.Helper()
	st, err := js.Stream(context.Background(), stream)
	require.NoError(t, err)
	info, err := st.Info(context.Background(), jetstream.WithSubjectFilter(filter))
	require.NoError(t, err)
	n := 0
	for _, c := range info.State.Subjects {
		n += int(c)
	}
	return n
}

// Stored returns every message stream holds on subject (wildcards
// allowed), in order: as many as the stream counts there when called,
// fetched until all have arrived (a fetch that does not wait may return
// before an ordered consumer has any, on a loaded machine). It fails t if
// one does not come within a minute.
func Stored(t testing.TB, js jetstream.JetStream, stream, subject string) []jetstream.Msg {
	t.Helper()
	ctx := context.Background()
	want := Count(t, js, stream, subject)
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	require.NoError(t, err)
	var out []jetstream.Msg
	for len(out) < want {
		batch, err := cons.Fetch(want-len(out), jetstream.FetchMaxWait(time.Minute))
		require.NoError(t, err)
		n := len(out)
		for msg := range batch.Messages() {
			out = append(out, msg)
		}
		require.NoError(t, batch.Error())
		require.Greater(t, len(out), n, "no message within a minute: %d of %d on %s", n, want, subject)
	}
	return out
}
