// Package feedtest holds what the feed parsers' tests share: reading the
// captured bodies under a package's testdata directory, checking a
// family's format list and parameters, the properties every parse (and
// every fuzz target) holds a parser to, and the checks every parsed event
// must pass.
package feedtest

import (
	"cmp"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/stretchr/testify/assert"
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

// Files returns the contents of the regular files under testdata matching
// each pattern (filepath.Match syntax, relative to testdata), in pattern
// order and then name order; it fails the test when a pattern matches no
// file or a file cannot be read.
func Files(tb testing.TB, patterns ...string) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, p := range patterns {
		names, err := filepath.Glob(filepath.Join("testdata", p))
		require.NoError(tb, err)
		n := len(out)
		for _, name := range names {
			fi, err := os.Stat(name)
			require.NoError(tb, err)
			if !fi.Mode().IsRegular() {
				continue
			}
			b, err := os.ReadFile(name)
			require.NoError(tb, err)
			out = append(out, b)
		}
		require.Greaterf(tb, len(out), n, "no file in testdata matches %s", p)
	}
	return out
}

// CheckFormats checks that formats are the named ones, each once, and that
// each has a doc and a constructor.
func CheckFormats(t *testing.T, formats []feed.Format, names ...string) {
	t.Helper()
	assert.ElementsMatch(t, names, feed.FormatNames(formats))
	for _, f := range formats {
		assert.NotEmpty(t, f.Doc, f.Name)
		assert.NotNil(t, f.New, f.Name)
	}
}

// ParamCase is a format's parameters and a part of the error its New gives
// for them; an empty WantErr means New accepts them. Name names the subtest;
// where it is empty, Format and WantErr do.
type ParamCase struct {
	Name    string
	Format  string
	Params  map[string]string
	WantErr string
}

// CheckParams builds each case's format of formats with its parameters:
// a refusal must wrap feed.ErrBadParam, contain WantErr and give no parser;
// an acceptance must give one.
func CheckParams(t *testing.T, formats []feed.Format, tests []ParamCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(cmp.Or(tt.Name, tt.Format+" "+tt.WantErr), func(t *testing.T) {
			f, err := feed.Lookup(formats, tt.Format)
			require.NoError(t, err)
			p, err := f.New(tt.Params)
			if tt.WantErr != "" {
				require.ErrorIs(t, err, feed.ErrBadParam)
				assert.Contains(t, err.Error(), tt.WantErr)
				assert.Nil(t, p)
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, p)
		})
	}
}

// UTC parses an RFC 3339 time, with or without fractional seconds, and
// returns it in UTC; it fails the test when s is not one.
func UTC(tb testing.TB, s string) time.Time {
	tb.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(tb, err)
	return v.UTC()
}
