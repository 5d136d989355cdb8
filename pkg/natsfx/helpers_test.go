package natsfx_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// logBuffer collects log lines written from any goroutine (nats.go calls
// its handlers on its own goroutine).
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testLogger returns a debug-level JSON logger writing to a fresh buffer.
func testLogger(t testing.TB) (zerolog.Logger, *logBuffer) {
	t.Helper()
	buf := &logBuffer{}
	return zerolog.New(buf).Level(zerolog.DebugLevel), buf
}
