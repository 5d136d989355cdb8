package scorer

import (
	"fmt"
	"time"

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

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	switch {
	case c.StateBucket == "":
		return fmt.Errorf("CW_SCORER_STATE_BUCKET is empty")
	case c.SnapshotInterval <= 0:
		return fmt.Errorf("CW_SCORER_SNAPSHOT_INTERVAL must be positive")
	case c.Heartbeat < 0:
		return fmt.Errorf("CW_SCORER_HEARTBEAT must not be negative")
	}
	if _, err := risk.CalibrationFor(c.model()); err != nil {
		return fmt.Errorf("CW_SCORER_MODEL: %w", err)
	}
	return nil
}

// model returns the model version, the default when unset.
func (c Config) model() string {
	if c.Model == "" {
		return risk.DefaultModelVersion
	}
	return c.Model
}
