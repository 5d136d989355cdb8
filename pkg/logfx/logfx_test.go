package logfx_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/logfx"
)

func TestValidate(t *testing.T) {
	for _, ok := range []logfx.Config{{}, {Level: "DEBUG", Format: "console"}, {Level: "warn", Format: "json"}} {
		assert.NoError(t, ok.Validate(), "%+v", ok)
	}

	err := logfx.Config{Level: "verbose", Format: "text"}.Validate()
	require.ErrorIs(t, err, logfx.ErrInvalidConfig)
	assert.ErrorContains(t, err, `CW_LOG_LEVEL "verbose"`)
	assert.ErrorContains(t, err, `CW_LOG_FORMAT "text"`, "both mistakes are reported at once")
}

// A service's configuration embeds Config as a field; loading it from the
// environment reports a bad level instead of logging at info in silence.
func TestLoadReportsABadLevel(t *testing.T) {
	t.Setenv("CW_LOG_LEVEL", "loud")
	_, err := envconfig.Load[struct{ Log logfx.Config }]()
	require.ErrorIs(t, err, logfx.ErrInvalidConfig)
	assert.ErrorContains(t, err, "CW_LOG_LEVEL")
}

func TestNewWritesTheLevelAndFields(t *testing.T) {
	var buf bytes.Buffer
	log := logfx.New("sink", logfx.Config{Level: "warn"}, &buf)
	log.Info().Msg("hidden")
	log.Warn().Msg("shown")
	assert.NotContains(t, buf.String(), "hidden")
	assert.Contains(t, buf.String(), `"service":"sink"`)
	assert.Contains(t, buf.String(), `"message":"shown"`)
}
