package sink_test

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/envtest"
)

// The defaults of the env tags, which the README documents, are the
// defaults of DefaultConfig, and they are valid.
func TestDefaultConfigMatchesEnvDefaults(t *testing.T) {
	envtest.Defaults(t, sink.DefaultConfig())
}

// At the default delays, a ClickHouse outage of 10 minutes and more
// exhausts no valid event's deliveries.
func TestDefaultRetryWindowRidesOutAClickHouseOutage(t *testing.T) {
	assert.GreaterOrEqual(t, sink.DefaultConfig().RetryWindow(), 10*time.Minute)
}

func TestRetryWindow(t *testing.T) {
	tests := []struct {
		name       string
		maxDeliver int
		want       time.Duration
	}{
		{name: "one retry", maxDeliver: 2, want: time.Second},
		{name: "doubling", maxDeliver: 6, want: 31 * time.Second},
		{name: "capped", maxDeliver: 8, want: 91 * time.Second},
		{name: "default", maxDeliver: 100, want: 31*time.Second + 94*30*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sink.DefaultConfig()
			cfg.MaxDeliver = tt.maxDeliver
			assert.Equal(t, tt.want, cfg.RetryWindow())
		})
	}
}

func TestValidateMaxDeliver(t *testing.T) {
	tests := []struct {
		name       string
		maxDeliver int
		wantErr    bool
	}{
		{name: "unlimited", maxDeliver: -1, wantErr: true},
		{name: "zero", maxDeliver: 0, wantErr: true},
		{name: "no retry", maxDeliver: 1, wantErr: true},
		{name: "one retry", maxDeliver: 2},
		{name: "default", maxDeliver: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sink.DefaultConfig()
			cfg.MaxDeliver = tt.maxDeliver
			err := cfg.Validate()
			if tt.wantErr {
				assert.ErrorContains(t, err, "CW_SINK_MAX_DELIVER")
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

// The README's configuration table gives every sink variable with the
// default of its env tag.
func TestReadmeDocumentsEnvDefaults(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	quoted := regexp.MustCompile("`([^`]*)`")
	documented := map[string]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.Contains(cells[1], "`CW_SINK_") {
			continue
		}
		names, defaults := quoted.FindAllStringSubmatch(cells[1], -1), quoted.FindAllStringSubmatch(cells[2], -1)
		require.Len(t, defaults, len(names), line)
		for i, n := range names {
			documented[n[1]] = defaults[i][1]
		}
	}
	typ := reflect.TypeFor[sink.Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := f.Tag.Get("env")
		if assert.Contains(t, documented, name, "README documents %s", name) {
			assert.Equal(t, f.Tag.Get("envDefault"), documented[name], "README default of %s", name)
		}
	}
}

// Validate reports every mistake at once, each naming its variable.
func TestConfigValidateReportsEveryProblem(t *testing.T) {
	cfg := sink.DefaultConfig()
	cfg.Consumer = ""
	cfg.BatchMaxRows = 0
	cfg.MaxDeliver = 1
	problems := envconfig.Split(cfg.Validate())
	require.Len(t, problems, 3)
	for i, want := range []string{"CW_SINK_CONSUMER is empty", "CW_SINK_BATCH_MAX_ROWS 0 is outside", "CW_SINK_MAX_DELIVER 1 must be at least 2"} {
		assert.ErrorIs(t, problems[i], sink.ErrInvalidConfig)
		assert.ErrorContains(t, problems[i], want)
	}
}
