// Package logtest holds what tests need to read the logs of the code they
// run (Buffer), and a Quiet logger for tests that read none.
package logtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

// Buffer collects log lines written from any goroutine (a service's
// loops, nats.go's handlers) while the test reads them.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p; it never fails.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger returns a debug-level JSON logger writing to b, and to stderr
// as well when CW_TEST_LOG is set.
func (b *Buffer) Logger() zerolog.Logger {
	var w io.Writer = b
	if os.Getenv("CW_TEST_LOG") != "" {
		w = zerolog.MultiLevelWriter(b, zerolog.ConsoleWriter{Out: os.Stderr})
	}
	return zerolog.New(w).Level(zerolog.DebugLevel)
}

// Messages returns the JSON lines written so far whose message is msg,
// decoded; a line that is not JSON fails the test.
func (b *Buffer) Messages(t testing.TB, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		if m["message"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// Quiet returns a logger that writes nowhere, or to stderr at debug level
// when CW_TEST_LOG is set, for tests that read no log.
func Quiet() zerolog.Logger {
	if os.Getenv("CW_TEST_LOG") != "" {
		return zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr}).Level(zerolog.DebugLevel)
	}
	return zerolog.New(io.Discard)
}
