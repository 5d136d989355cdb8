package risk

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// marshalPrints returns every print's bytes and publish flag.
func marshalPrints(t *testing.T, steps []step) [][]byte {
	t.Helper()
	out := make([][]byte, len(steps))
	for i, s := range steps {
		require.NotNil(t, s.print)
		b, err := event.Marshal(s.print)
		require.NoError(t, err)
		if s.publish {
			b = append(b, " publish"...)
		}
		out[i] = b
	}
	return out
}

// marshalled returns the JSON of p.
func marshalled(t *testing.T, p *event.RiskScore) string {
	t.Helper()
	b, err := event.Marshal(p)
	require.NoError(t, err)
	return string(b)
}

// requireSameState requires models a and b to snapshot to the same bytes.
func requireSameState(t *testing.T, a, b *Model) {
	t.Helper()
	sa, err := a.Snapshot()
	require.NoError(t, err)
	sb, err := b.Snapshot()
	require.NoError(t, err)
	require.Equal(t, string(sa), string(sb))
}

func TestReplayIsByteIdentical(t *testing.T) {
	in := nov2025Input(t)
	a := marshalPrints(t, replay(NewModel(v1Calibration()), in, 0))
	b := marshalPrints(t, replay(NewModel(v1Calibration()), in, 0))
	require.Equal(t, len(a), len(b))
	for i := range a {
		require.True(t, bytes.Equal(a[i], b[i]), "print %d differs:\n%s\n%s", i+1, a[i], b[i])
	}
}

func TestTwoModelsFedTheSameInputAgree(t *testing.T) {
	in := nov2025Input(t)
	m1, m2 := NewModel(v1Calibration()), NewModel(v1Calibration())
	for i, ev := range in {
		p1, pub1 := m1.Apply(ev, uint64(i+1))
		p2, pub2 := m2.Apply(ev, uint64(i+1))
		require.Equal(t, marshalled(t, p1), marshalled(t, p2), "seq %d", i+1)
		require.Equal(t, pub1, pub2, "seq %d", i+1)
		require.Equal(t, p1.ID, p2.ID, "replicas print under one id")
	}
	requireSameState(t, m1, m2)
}

func TestSnapshotAtMidpointThenRestoreGivesTheSamePrints(t *testing.T) {
	in := nov2025Input(t)
	want := marshalPrints(t, replay(NewModel(v1Calibration()), in, 0))

	mid := len(in) / 2
	m := NewModel(v1Calibration())
	first := marshalPrints(t, replay(m, in[:mid], 0))
	snap, err := m.Snapshot()
	require.NoError(t, err)
	restored, err := Restore(v1Calibration(), snap)
	require.NoError(t, err)
	again, err := restored.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, string(snap), string(again), "a snapshot round-trips")
	rest := marshalPrints(t, replay(restored, in[mid:], uint64(mid)))

	got := append(first, rest...)
	require.Equal(t, len(want), len(got))
	for i := range want {
		require.True(t, bytes.Equal(want[i], got[i]), "print %d differs after restore:\n%s\n%s", i+1, want[i], got[i])
	}
}

func TestRestoreRefuses(t *testing.T) {
	m := NewModel(v1Calibration())
	replay(m, nov2025Input(t)[:500], 0)
	snap, err := m.Snapshot()
	require.NoError(t, err)
	other, err := ParseCalibration(append(v1Calibration().Bytes(), "# another file\n"...))
	require.NoError(t, err)

	tests := []struct {
		name      string
		cal       Calibration
		data      []byte
		wantErr   error
		wantField string
	}{
		{name: "another calibration", cal: other, data: snap, wantErr: ErrSnapshotMismatch, wantField: "calibration_hash"},
		{name: "another model version", cal: v1Calibration(), data: bytes.Replace(snap, []byte(`"clri-v1"`), []byte(`"clri-v0"`), 1), wantErr: ErrSnapshotMismatch, wantField: "model_version"},
		{name: "not JSON", cal: v1Calibration(), data: []byte("{"), wantErr: ErrBadSnapshot},
		{name: "unknown field", cal: v1Calibration(), data: bytes.Replace(snap, []byte(`{"model_version"`), []byte(`{"x":1,"model_version"`), 1), wantErr: ErrBadSnapshot},
		{name: "trailing data", cal: v1Calibration(), data: append(bytes.Clone(snap), "{}"...), wantErr: ErrBadSnapshot},
		{name: "wrong tenors", cal: v1Calibration(), data: bytes.Replace(snap, []byte(`"tenor":"10Y"`), []byte(`"tenor":"5Y"`), 1), wantErr: ErrBadSnapshot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Restore(tt.cal, tt.data)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, tt.wantErr)
			if tt.wantField != "" {
				var mm *SnapshotMismatchError
				require.True(t, errors.As(err, &mm))
				assert.Equal(t, tt.wantField, mm.Field)
			}
		})
	}
}
