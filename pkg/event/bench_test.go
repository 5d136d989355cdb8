package event_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// BenchmarkParse compares Parse's strict decoder with the encoding/json
// reference it falls back on, on every fixture kind in turn; the ratio of
// the two is what the fast path buys.
func BenchmarkParse(b *testing.B) {
	var data [][]byte
	for _, fx := range fixtures() {
		d, err := event.Marshal(fx.event)
		require.NoError(b, err)
		data = append(data, d)
	}
	for _, bm := range []struct {
		name  string
		parse func([]byte) (event.Event, error)
	}{
		{"strict", func(d []byte) (event.Event, error) { return event.DecodeStrict(d, false) }},
		{"reference", event.DecodeReference},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				e, err := bm.parse(data[i%len(data)])
				if err != nil {
					b.Fatal(err)
				}
				if err := e.Validate(validationTime); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
