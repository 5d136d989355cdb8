package backtest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// decodePNG renders prints as PNG at the default size and decodes it.
func decodePNG(t *testing.T, prints []*event.RiskScore, inputs []event.Event) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(render(t, RenderPNG, prints, inputs, Options{})))
	require.NoError(t, err)
	return img
}

// alternating returns n+1 hourly prints whose regime changes n times,
// between calm and watch; the prints in watch have trigger POLICY_SHOCK
// when triggers is set.
func alternating(n int, triggers bool) []*event.RiskScore {
	prints := make([]*event.RiskScore, n+1)
	for i := range prints {
		p := &event.RiskScore{Index: 30, Regime: event.RegimeCalm, ModelVersion: "clri-v1",
			Watermark: event.Watermark{StreamSeq: uint64(i + 1), EventTime: demoStart.Add(time.Duration(i) * time.Hour)}}
		if i%2 == 1 {
			p.Index, p.Regime = 45, event.RegimeWatch
			if triggers {
				p.Triggers = []string{"POLICY_SHOCK"}
			}
		}
		prints[i] = p
	}
	return prints
}

// inkLines counts the lines of dark text in the left strip of img below
// y0: runs of pixel rows with a dark pixel in x ∈ [tableMargin,
// tableMargin+40), where every table line (title, column heads, each row,
// the closing note) starts with text.
func inkLines(img image.Image, y0 int) int {
	lines, inLine := 0, false
	for y := y0; y < img.Bounds().Max.Y; y++ {
		dark := false
		for x := tableMargin; x < tableMargin+40 && !dark; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			dark = c.R < 0xa0 && c.G < 0xa0 && c.B < 0xa0
		}
		if dark && !inLine {
			lines++
		}
		inLine = dark
	}
	return lines
}

// hasColour reports whether img has a pixel of exactly c at or below y0.
func hasColour(img image.Image, y0 int, c color.NRGBA) bool {
	want := color.RGBAModel.Convert(c).(color.RGBA)
	b := img.Bounds()
	for y := y0; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == want {
				return true
			}
		}
	}
	return false
}

// The PNG is the chart, unchanged, with the regime-change and trigger
// tables drawn under it: a title, the column heads and a line per row.
func TestRenderPNGTables(t *testing.T) {
	prints, inputs := demoPrints(200), demoInputs()
	img := decodePNG(t, prints, inputs)

	d, st, err := prepare(prints, inputs, Options{})
	require.NoError(t, err)
	chart, err := rasterize(d)
	require.NoError(t, err)
	require.Equal(t, DefaultWidth, img.Bounds().Dx())
	require.Greater(t, img.Bounds().Dy(), DefaultHeight)
	same := true
	for y := 0; y < DefaultHeight && same; y++ {
		for x := 0; x < DefaultWidth && same; x++ {
			same = color.RGBAModel.Convert(img.At(x, y)) == color.RGBAModel.Convert(chart.At(x, y))
		}
	}
	assert.True(t, same, "the chart above the tables is the chart alone")

	require.Len(t, st.changes, 7)
	require.Len(t, st.episodes, 2)
	assert.Equal(t, (1+1+7)+(1+1+2), inkLines(img, DefaultHeight), "title, heads and rows of both tables")
	for _, r := range []string{event.RegimeCalm, event.RegimeWatch, event.RegimeElevated, event.RegimeStress} {
		assert.True(t, hasColour(img, DefaultHeight, regimeOf(r).strong), "a %s badge", r)
	}
}

// Each regime change and trigger episode adds a row; a table without rows
// says so in one line; a long table stops at maxTableRows rows and a line
// counting the rest.
func TestRenderPNGTableRows(t *testing.T) {
	height := func(prints []*event.RiskScore) int { return decodePNG(t, prints, nil).Bounds().Dy() }

	// n changes: n+1 regime rows (the first print is one), one line saying no trigger fired.
	two, five := decodePNG(t, alternating(2, false), nil), decodePNG(t, alternating(5, false), nil)
	assert.Equal(t, 3*tableRowH, five.Bounds().Dy()-two.Bounds().Dy())
	assert.Equal(t, (2+3)+(2+1), inkLines(two, DefaultHeight))
	assert.Equal(t, (2+6)+(2+1), inkLines(five, DefaultHeight))

	// With triggers: an episode per watch run instead of the empty line.
	withTriggers := decodePNG(t, alternating(5, true), nil)
	assert.Equal(t, 2*tableRowH, withTriggers.Bounds().Dy()-five.Bounds().Dy(), "three episodes instead of one line")
	assert.Equal(t, (2+6)+(2+3), inkLines(withTriggers, DefaultHeight))

	full := height(alternating(maxTableRows-1, false)) // maxTableRows rows
	assert.Equal(t, full+tableRowH, height(alternating(maxTableRows, false)), "the line counting one more")
	assert.Equal(t, full+tableRowH, height(alternating(3*maxTableRows, false)), "the line counting many more")
}
