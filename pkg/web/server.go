// Package web serves the live page: the risk index over time with its
// regime bands, the current print explained, the ETF cost basis against
// BTC, feed freshness, open venue incidents and the last hour's dead
// letters. It reads CW_SCORES, CW_EVENTS and CW_DLQ through ordered
// consumers and pushes every change to the browsers with server-sent
// events; the page's HTML, CSS and JavaScript are embedded.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/lifecycle"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

//go:embed assets
var assets embed.FS

// JetStreamer gives the JetStream context once the connection is up;
// *natsfx.Bus is one.
type JetStreamer interface {
	JetStream() jetstream.JetStream
}

// Server serves the page and keeps its State current from NATS.
type Server struct {
	cfg   Config
	js    JetStreamer
	log   zerolog.Logger
	now   func() time.Time
	state *State

	mu      sync.Mutex
	clients map[chan struct{}]struct{}

	stopping chan struct{} // closed by Stop: push loops return
	srv      *lifecycle.HTTPServer
	ln       net.Listener
	readers  []jetstream.ConsumeContext

	sources     func() []feed.State // nil: no feed loop in this process
	sourcesDone chan struct{}       // closed when watchSources returns
}

// New returns an unstarted Server. It does no I/O.
func New(cfg Config, js JetStreamer, log zerolog.Logger) *Server {
	cfg = cfg.withDefaults()
	return &Server{
		cfg:      cfg,
		js:       js,
		log:      log.With().Str("component", "web").Logger(),
		now:      time.Now,
		state:    NewState(cfg),
		clients:  map[chan struct{}]struct{}{},
		stopping: make(chan struct{}),
	}
}

// State is what the page shows.
func (s *Server) State() *State { return s.state }

// URL returns the page's address, "" before Start or when disabled.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + Browsable(s.ln.Addr().String()) + "/"
}

// Browsable makes a listen address one to browse to (":8090" and
// "0.0.0.0:8090" → "127.0.0.1:8090").
func Browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Start reads the latest print, the chart's history and the feeds from
// NATS, then listens on cfg.Addr. With an empty Addr it does nothing. It
// returns an error wrapping ErrInvalidConfig, the JetStream error
// ("read CW_SCORES: …") or the listen error.
func (s *Server) Start(ctx context.Context) error {
	if s.cfg.Addr == "" {
		return nil
	}
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	js := s.js.JetStream()
	if js == nil {
		return errors.New("web: nats is not connected")
	}
	if err := s.startReaders(ctx, js); err != nil {
		s.stopReaders()
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		s.stopReaders()
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.srv = lifecycle.StartHTTP(ln, s.Handler(), s.log, "web page stopped")
	if s.sources != nil {
		s.sourcesDone = make(chan struct{})
		go s.watchSources()
	}
	s.log.Info().Str("url", s.URL()).Msg("web page listening")
	return nil
}

// Stop ends the pushes, shuts the listener down, stops the readers and
// waits for all of them.
func (s *Server) Stop(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	close(s.stopping)
	err := s.srv.Shutdown(ctx)
	if s.sourcesDone != nil {
		<-s.sourcesDone
	}
	s.stopReaders()
	if err != nil {
		return fmt.Errorf("shut down web page: %w", err)
	}
	return nil
}

// Handler serves the page (/), its assets (/assets/), the snapshot as
// JSON (/api/state) and the live stream of snapshots (/events).
func (s *Server) Handler() http.Handler {
	static, _ := fs.Sub(assets, "assets") // "assets" is embedded above
	mux := http.NewServeMux()
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "index.html")
	})
	mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(s.state.Snapshot(s.now()))
	})
	mux.HandleFunc("GET /events", s.serveEvents)
	return mux
}

// changed wakes every push loop; one that is busy picks the change up
// when it next sends.
func (s *Server) changed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// serveEvents streams a snapshot now and after every change, at most one
// per cfg.PushInterval, until the browser leaves or the server stops.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	wake := make(chan struct{}, 1)
	s.mu.Lock()
	s.clients[wake] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, wake)
		s.mu.Unlock()
	}()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	// The snapshot ages feeds and expires dead letters by the clock, so
	// a quiet bus still gets one a minute.
	refresh := time.NewTicker(time.Minute)
	defer refresh.Stop()
	throttle := time.NewTimer(0)
	defer throttle.Stop()
	for {
		data, err := json.Marshal(s.state.Snapshot(s.now()))
		if err != nil {
			s.log.Error().Err(err).Msg("encode snapshot")
			return
		}
		if _, err := fmt.Fprintf(w, "event: state\ndata: %s\n\n", data); err != nil {
			return
		}
		flusher.Flush()
		throttle.Reset(s.cfg.PushInterval)
		select {
		case <-throttle.C:
		case <-r.Context().Done():
			return
		case <-s.stopping:
			return
		}
		select {
		case <-wake:
		case <-refresh.C:
		case <-r.Context().Done():
			return
		case <-s.stopping:
			return
		}
	}
}
