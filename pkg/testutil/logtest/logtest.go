// Package logtest holds what tests need to read the logs of the code they
// run.
package logtest

import (
	"bytes"
	"sync"
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
