package lifecycle

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// HTTPServer is an http.Server serving on a listener in a goroutine of its
// own until Shutdown, which waits for that goroutine.
type HTTPServer struct {
	srv  *http.Server
	done chan struct{} // closed when Serve returns
}

// StartHTTP serves h on ln in the background, allowing a client five
// seconds to send a request's header. An error that ends serving other
// than Shutdown is logged at Error with the message msg.
func StartHTTP(ln net.Listener, h http.Handler, log zerolog.Logger, msg string) *HTTPServer {
	s := &HTTPServer{srv: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg(msg)
		}
	}()
	return s
}

// Shutdown closes the listener, waits within ctx for the active requests
// to end (http.Server.Shutdown), then for the serving goroutine. It
// returns ctx's error when requests were still active at its end.
func (s *HTTPServer) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
