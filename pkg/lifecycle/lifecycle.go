// Package lifecycle holds what the components' Start and Stop methods
// share: once a component has told its goroutines to stop, waiting for
// them within the caller's deadline (Wait), and an HTTP server that serves
// in the background until Shutdown waits for it (StartHTTP).
package lifecycle

import (
	"context"
	"fmt"
	"sync"
)

// Wait returns nil once done is closed, also when ctx has ended by then.
// If ctx ends first it returns "stop <what>: " wrapping ctx.Err(), and
// whatever closes done goes on ending in the background.
func Wait(ctx context.Context, what string, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	default:
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop %s: %w", what, ctx.Err())
	}
}

// Done returns a channel that is closed once wg's counter is zero, for
// [Wait]. The goroutine waiting on wg lives until then.
func Done(wg *sync.WaitGroup) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}
