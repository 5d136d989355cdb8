// Package feedtest holds what the feed parsers' tests share: reading the
// captured bodies under a package's testdata directory.
package feedtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Testdata returns the bytes of testdata/name, relative to the package
// under test; it fails the test when the file cannot be read.
func Testdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(tb, err)
	return b
}
