package risk

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Snapshot returns the model's full state as deterministic JSON (a fixed
// struct, no maps): Restore of these bytes under the same calibration and
// model version continues exactly where the model stands. It returns an
// error only if the state holds a non-finite number, which the model never
// produces.
func (m *Model) Snapshot() ([]byte, error) {
	var v any = &m.s
	if m.v2 != nil {
		m.v2.s.Inner = m.v2.inner.s
		v = &m.v2.s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return b, nil
}

// Restore returns a model in the state a Snapshot recorded. It refuses a
// snapshot taken under another model version or calibration hash with a
// *SnapshotMismatchError (wrapping ErrSnapshotMismatch), and bytes that do
// not decode strictly into a state that fits calibration c with an error
// wrapping ErrBadSnapshot.
func Restore(c Calibration, data []byte) (*Model, error) {
	m := NewModel(c)
	want := c.resolve().Version()
	var head struct {
		Version string `json:"model_version"`
	}
	if json.Unmarshal(data, &head) == nil && head.Version != want {
		return nil, &SnapshotMismatchError{Field: "model_version", Want: want, Got: head.Version}
	}
	if m.v2 != nil {
		if err := m.v2.restore(data); err != nil {
			return nil, err
		}
		return m, nil
	}
	var s state
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", ErrBadSnapshot)
	}
	if s.Version != ModelVersionV1 {
		return nil, &SnapshotMismatchError{Field: "model_version", Want: ModelVersionV1, Got: s.Version}
	}
	if s.CalibrationHash != m.hash {
		return nil, &SnapshotMismatchError{Field: "calibration_hash", Want: m.hash, Got: s.CalibrationHash}
	}
	if len(s.JGB) != len(m.p.tenors) {
		return nil, fmt.Errorf("%w: %d JGB tenors, the calibration has %d", ErrBadSnapshot, len(s.JGB), len(m.p.tenors))
	}
	for i, t := range m.p.tenors {
		if s.JGB[i].Tenor != t {
			return nil, fmt.Errorf("%w: JGB tenor %d is %q, the calibration has %q", ErrBadSnapshot, i, s.JGB[i].Tenor, t)
		}
	}
	if s.Regime < 0 || s.Regime >= len(regimes) {
		return nil, fmt.Errorf("%w: regime level %d", ErrBadSnapshot, s.Regime)
	}
	m.s = s
	return m, nil
}
