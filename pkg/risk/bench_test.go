package risk

import (
	"testing"
)

// BenchmarkApply measures one Apply over the nov-2025 input (scenario
// events and 10-minute heartbeats), starting a new model each time the
// input is exhausted.
func BenchmarkApply(b *testing.B) {
	in := nov2025Input(b)
	m := NewModel(DefaultCalibration())
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := i % len(in)
		if k == 0 && i > 0 {
			b.StopTimer()
			m = NewModel(DefaultCalibration())
			b.StartTimer()
		}
		m.Apply(in[k], uint64(k+1))
	}
}
