package feed

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(`
defaults: {interval: 10m, timeout: 30s}
sources:
  - {name: a, format: mof-jgb, url: "https://example.com/a.csv"}
  - {name: b, format: kalshi, url: "file:///tmp/b.json", interval: 1m, params: {source: k}}
venues:
  - {name: cme, weight: 0.6}
`))
	require.NoError(t, err)
	require.Len(t, c.Sources, 2)
	assert.Equal(t, 10*time.Minute, c.Sources[0].Interval, "inherited from defaults")
	assert.Equal(t, 30*time.Second, c.Sources[0].Timeout)
	assert.Equal(t, time.Minute, c.Sources[1].Interval, "own value wins")
	assert.Equal(t, DefaultJitter, c.Sources[1].JitterFraction(), "package default last")
	assert.Equal(t, int64(DefaultMaxBodyBytes), c.Sources[1].MaxBodyBytes)
	assert.Equal(t, map[string]string{"source": "k"}, c.Sources[1].Params)
	assert.Equal(t, []Venue{{Name: "cme", Weight: 0.6}}, c.Venues)
}

func TestParseConfigJitterZeroIsKept(t *testing.T) {
	c, err := ParseConfig([]byte(`
defaults: {jitter: 0.3}
sources:
  - {name: exact, format: mof-jgb, url: "https://example.com/a.csv", jitter: 0}
  - {name: inherited, format: mof-jgb, url: "https://example.com/b.csv"}
`))
	require.NoError(t, err)
	assert.Zero(t, c.Sources[0].JitterFraction(), "an explicit 0 is not replaced by a default")
	assert.Equal(t, 0.3, c.Sources[1].JitterFraction())
}

func TestParseConfigRejects(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{name: "misspelt key", yaml: "sources:\n  - {name: a, format: x, url: 'https://e.com', intervall: 1m}", want: "field intervall not found"},
		{name: "duplicate name", yaml: "sources:\n  - {name: a, format: x, url: 'https://e.com'}\n  - {name: a, format: x, url: 'https://e.com'}", want: `source "a" appears twice`},
		{name: "bad scheme", yaml: "sources:\n  - {name: a, format: x, url: 'ftp://e.com'}", want: "must be http://, https:// or file://"},
		{name: "no format", yaml: "sources:\n  - {name: a, url: 'https://e.com'}", want: "format is empty"},
		{name: "uppercase name", yaml: "sources:\n  - {name: A, format: x, url: 'https://e.com'}", want: "name must be"},
		{name: "interval too short", yaml: "sources:\n  - {name: a, format: x, url: 'https://e.com', interval: 10ms}", want: "interval 10ms is under 1s"},
		{name: "venue weight", yaml: "venues:\n  - {name: cme, weight: 1.5}", want: "weight 1.5 is outside [0, 1]"},
		{name: "not yaml", yaml: "sources: [", want: "parse feeds file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A feeds file's mistakes are reported all at once, wrapping
// ErrInvalidConfig.
func TestParseConfigReportsEveryProblem(t *testing.T) {
	_, err := ParseConfig([]byte(`
sources:
  - {name: a, format: x, url: 'ftp://e.com', interval: 10ms}
  - {name: a, format: x, url: 'https://e.com'}
venues:
  - {name: cme, weight: 1.5}
`))
	assert.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{`source "a": url "ftp://e.com" must be`, `source "a": interval 10ms is under 1s`,
		`source "a" appears twice`, `venue "cme": weight 1.5 is outside [0, 1]`} {
		assert.ErrorContains(t, err, want)
	}
}

func TestOnlyKeepsSourcesOfTheGivenFormats(t *testing.T) {
	fs := []Format{{Name: "mof-jgb"}, {Name: "jgb-csv"}}
	got := Only([]Source{{Name: "a", Format: "mof-jgb"}, {Name: "b", Format: "kalshi"}, {Name: "c", Format: "jgb-csv"}}, fs)
	assert.Equal(t, []Source{{Name: "a", Format: "mof-jgb"}, {Name: "c", Format: "jgb-csv"}}, got)
}
