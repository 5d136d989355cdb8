package scorer

import (
	"time"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

// Config tunes the scorer service.
type Config struct {
	// StateBucket is the JetStream key-value bucket holding state snapshots.
	StateBucket string `env:"CW_SCORER_STATE_BUCKET" envDefault:"CW_SCORER_STATE"`
	// SnapshotInterval is how often (wall time) the state is saved while
	// events arrive; on start the scorer restores the last snapshot and
	// replays only what came after it.
	SnapshotInterval time.Duration `env:"CW_SCORER_SNAPSHOT_INTERVAL" envDefault:"30s"`
	// Heartbeat is how often a heartbeat is published to advance event time
	// while inputs are quiet; 0 disables it (replays bring their own).
	Heartbeat time.Duration `env:"CW_SCORER_HEARTBEAT" envDefault:"10s"`
	// Model is the model version to run: clri-v2 (the default) or clri-v1,
	// each with its embedded calibration.
	Model string `env:"CW_SCORER_MODEL" envDefault:"clri-v2"`
	// CalibrationFile overrides the embedded calibration (YAML); its
	// model_version then decides the model.
	CalibrationFile string `env:"CW_SCORER_CALIBRATION"`
}

// DefaultConfig returns the defaults of the env tags.
func DefaultConfig() Config {
	return Config{StateBucket: "CW_SCORER_STATE", SnapshotInterval: 30 * time.Second, Heartbeat: 10 * time.Second, Model: risk.DefaultModelVersion}
}

// Validate reports every setting that cannot work, each wrapping
// ErrInvalidConfig and naming its variable; nil when c is usable.
func (c Config) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	if c.StateBucket == "" {
		p.Addf("CW_SCORER_STATE_BUCKET is empty")
	}
	if c.SnapshotInterval <= 0 {
		p.Addf("CW_SCORER_SNAPSHOT_INTERVAL must be positive")
	}
	if c.Heartbeat < 0 {
		p.Addf("CW_SCORER_HEARTBEAT must not be negative")
	}
	if _, err := risk.CalibrationFor(c.model()); err != nil {
		p.Addf("CW_SCORER_MODEL: %w", err)
	}
	return p.Err()
}

// model returns the model version, the default when unset.
func (c Config) model() string {
	if c.Model == "" {
		return risk.DefaultModelVersion
	}
	return c.Model
}
