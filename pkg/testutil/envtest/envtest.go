// Package envtest checks the configuration a package or a service reads
// from the environment: its defaults, and what it reports when envconfig
// loads it from an environment with mistakes.
package envtest

import (
	"testing"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

// Defaults returns a T parsed from an empty environment, which holds the
// defaults of its env tags, once it has checked that it equals want (the
// package's DefaultConfig) and is valid.
func Defaults[T envconfig.Validator](t *testing.T, want T) T {
	t.Helper()
	got, err := env.ParseAsWithOptions[T](env.Options{Environment: map[string]string{}})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.NoError(t, got.Validate())
	return got
}

// Mistakes is an environment with mistakes in it, what loading a
// configuration from it must report, and the environment that corrects
// them.
type Mistakes struct {
	Env       map[string]string // set with t.Setenv; "" for a variable left empty
	Messages  []string          // each in the error
	Sentinels []error           // each wrapped by the error (errors.Is)
	Fixed     map[string]string // set after Env; loading then succeeds
}

// ReportsEvery loads a T (envconfig.Load) from m.Env and checks that the
// error names every mistake of m at once, then loads one from m.Fixed
// and checks that it has none.
func ReportsEvery[T any](t *testing.T, m Mistakes) {
	t.Helper()
	for k, v := range m.Env {
		t.Setenv(k, v)
	}
	_, err := envconfig.Load[T]()
	require.Error(t, err, "the environment %v loaded without a complaint", m.Env)
	for _, want := range m.Messages {
		assert.ErrorContains(t, err, want)
	}
	for _, want := range m.Sentinels {
		assert.ErrorIs(t, err, want)
	}

	for k, v := range m.Fixed {
		t.Setenv(k, v)
	}
	_, err = envconfig.Load[T]()
	assert.NoError(t, err)
}
