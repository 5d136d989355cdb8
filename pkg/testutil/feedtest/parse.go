package feedtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// NewParser builds a format's parser with params through its constructor;
// it fails the test when the constructor refuses them.
func NewParser(tb testing.TB, newFn func(map[string]string) (feed.Parser, error), params map[string]string) feed.Parser {
	tb.Helper()
	p, err := newFn(params)
	require.NoError(tb, err)
	return p
}

// CheckBadBody checks what a parser gave for a body it must refuse: an
// error wrapping feed.ErrBadBody that contains wantErr, no events and no
// warnings.
func CheckBadBody(tb testing.TB, obs feed.Observations, err error, wantErr string) {
	tb.Helper()
	require.ErrorIs(tb, err, feed.ErrBadBody)
	assert.ErrorContains(tb, err, wantErr)
	assert.Empty(tb, obs.Events)
	assert.Empty(tb, obs.Warnings)
}

// CheckParse holds one parse of body at now to what every parser promises
// for any input, the properties its fuzz target checks: body is left as it
// was; a refusal wraps feed.ErrBadBody and comes with no events and no
// warnings; the same body parsed again gives the same observations. It
// returns the observations and whether the parse succeeded; the caller
// checks the events of a success.
func CheckParse(t *testing.T, parse feed.Parser, body []byte, now time.Time) (feed.Observations, bool) {
	t.Helper()
	in := bytes.Clone(body)
	obs, err := parse(body, now)
	require.Equal(t, in, body, "the parser changed its input")
	if err != nil {
		require.ErrorIs(t, err, feed.ErrBadBody)
		require.Empty(t, obs.Events)
		require.Empty(t, obs.Warnings)
		return obs, false
	}
	again, err := parse(body, now)
	require.NoError(t, err)
	require.Equal(t, obs, again, "the same body parsed twice differs")
	return obs, true
}
