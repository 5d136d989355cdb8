package feed

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServiceSaysWhatIsMissing(t *testing.T) {
	file := filepath.Join(t.TempDir(), "feeds.yaml")
	require.NoError(t, os.WriteFile(file, []byte("sources:\n  - {name: k, format: kalshi, url: 'https://e.com'}\n"), 0o600))
	jgbOnly := []Format{{Name: "mof-jgb"}}
	tests := []struct {
		name, natsURL, feeds, want string
		formats                    []Format
	}{
		{name: "no nats", feeds: file, formats: jgbOnly, want: "CW_NATS_URL is not set"},
		{name: "no feeds file", natsURL: "nats://127.0.0.1:4222", formats: jgbOnly, want: "CW_FEED_CONFIG is not set"},
		{name: "missing feeds file", natsURL: "nats://127.0.0.1:4222", feeds: file + ".nope", formats: jgbOnly, want: "no such file"},
		{name: "no source of the family", natsURL: "nats://127.0.0.1:4222", feeds: file, formats: jgbOnly, want: "has no source of the formats [mof-jgb]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CW_NATS_URL", tt.natsURL)
			t.Setenv("CW_FEED_CONFIG", tt.feeds)
			_, err := loadService(tt.formats)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	// Every mistake at once: the environment's and the feeds file's.
	t.Setenv("CW_NATS_URL", "")
	t.Setenv("CW_FEED_CONFIG", "")
	t.Setenv("CW_HTTP_CHECK_TIMEOUT", "0s")
	_, err := loadService(jgbOnly)
	for _, want := range []string{"CW_NATS_URL is not set", "CW_FEED_CONFIG is not set", "CW_HTTP_CHECK_TIMEOUT must be positive"} {
		assert.ErrorContains(t, err, want)
	}
	t.Setenv("CW_HTTP_CHECK_TIMEOUT", "")
	t.Setenv("CW_FEED_CONFIG", file)
	_, err = loadService(jgbOnly)
	assert.ErrorContains(t, err, "CW_NATS_URL is not set")
	assert.ErrorContains(t, err, "has no source of the formats [mof-jgb]")
	assert.ErrorIs(t, err, ErrInvalidConfig)

	t.Setenv("CW_NATS_URL", "nats://127.0.0.1:4222")
	c, err := loadService([]Format{{Name: "kalshi"}})
	require.NoError(t, err)
	require.Len(t, c.Feeds.Sources, 1)
	assert.Equal(t, "k", c.Feeds.Sources[0].Name)
}
