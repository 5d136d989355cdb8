package backtest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRenderManyPrints checks that drawing cost follows the canvas, not the
// number of prints: lines are thinned to a few points per pixel column.
func TestRenderManyPrints(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	prints := demoPrints(50_000)
	var svg bytes.Buffer
	require.NoError(t, RenderSVG(&svg, prints, demoInputs(), Options{}))
	assert.Less(t, svg.Len(), 450_000, "thinned to the pixel grid")
	doc := parseSVG(t, svg.Bytes())
	assert.Contains(t, doc.ids, "index-line")
}

func BenchmarkRenderPNG(b *testing.B) {
	prints, inputs := demoPrints(5_000), demoInputs()
	for b.Loop() {
		var w bytes.Buffer
		if err := RenderPNG(&w, prints, inputs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
