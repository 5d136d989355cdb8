// Package envtest checks what a service's configuration reports when
// envconfig loads it from an environment.
package envtest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

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
