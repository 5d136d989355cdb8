package lifecycle_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/lifecycle"
)

func TestWait(t *testing.T) {
	var wg sync.WaitGroup
	release := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-release
	}()
	done := lifecycle.Done(&wg)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := lifecycle.Wait(ctx, "feeds", done)
	require.ErrorIs(t, err, context.Canceled, "the deadline ends the wait while a goroutine runs")
	assert.EqualError(t, err, "stop feeds: context canceled")

	close(release)
	assert.NoError(t, lifecycle.Wait(context.Background(), "feeds", done))
	assert.NoError(t, lifecycle.Wait(ctx, "feeds", closedChan()), "a closed done wins over an ended context")
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}
