package risk

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error the package returns wraps exactly one of
// them, so callers branch with errors.Is.
var (
	// ErrBadCalibration means a calibration file does not decode or
	// validate.
	ErrBadCalibration = errors.New("bad calibration")
	// ErrBadSnapshot means snapshot bytes do not decode into a model state.
	ErrBadSnapshot = errors.New("bad snapshot")
	// ErrSnapshotMismatch means a snapshot was taken under another model
	// version or calibration; the error is a *SnapshotMismatchError.
	ErrSnapshotMismatch = errors.New("snapshot taken under another model")
)

// SnapshotMismatchError says which identity of a snapshot differs from the
// model restoring it. It wraps ErrSnapshotMismatch.
type SnapshotMismatchError struct {
	Field string // "model_version" or "calibration_hash"
	Want  string // the restoring model's value
	Got   string // the snapshot's value
}

func (e *SnapshotMismatchError) Error() string {
	return fmt.Sprintf("%s: %s is %q, this model is %q", ErrSnapshotMismatch, e.Field, e.Got, e.Want)
}

// Unwrap returns ErrSnapshotMismatch.
func (e *SnapshotMismatchError) Unwrap() error { return ErrSnapshotMismatch }
