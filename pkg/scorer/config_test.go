package scorer_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/scorer"
)

// Validate reports every mistake at once, each naming its variable.
func TestConfigValidateReportsEveryProblem(t *testing.T) {
	cfg := scorer.DefaultConfig()
	cfg.StateBucket = ""
	cfg.Heartbeat = -time.Second
	cfg.Model = "clri-v0"
	problems := envconfig.Split(cfg.Validate())
	require.Len(t, problems, 3)
	for i, want := range []string{"CW_SCORER_STATE_BUCKET is empty", "CW_SCORER_HEARTBEAT must not be negative", "CW_SCORER_MODEL: "} {
		assert.ErrorIs(t, problems[i], scorer.ErrInvalidConfig)
		assert.ErrorContains(t, problems[i], want)
	}
}
