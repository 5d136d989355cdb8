package backtest

import (
	"fmt"
	"image/color"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// drawing is a chart as a list of shapes in pixel coordinates (y down), the
// one description both the SVG writer and the rasteriser render.
type drawing struct {
	width, height float64
	title         string
	items         []item
}

// item is one of rect, path, text, group and groupEnd.
type item interface{ isItem() }

// attrs name an item in the SVG; the raster ignores them.
type attrs struct {
	id, class string
	tip       string // an SVG <title>, shown on hover
}

type pt struct{ x, y float64 }

type rect struct {
	attrs
	x, y, w, h float64
	fill       color.NRGBA
}

// path is a polyline or polygon set. Subpaths are filled (non-zero) when
// fill is not transparent, and stroked with width when stroke is not.
type path struct {
	attrs
	subpaths [][]pt
	closed   bool
	fill     color.NRGBA
	stroke   color.NRGBA
	width    float64
}

type anchor uint8

const (
	anchorStart anchor = iota
	anchorMiddle
	anchorEnd
)

// text is one line of text; y is the baseline.
type text struct {
	attrs
	x, y   float64
	s      string
	size   float64
	bold   bool
	anchor anchor
	fill   color.NRGBA
}

// group starts an SVG <g id=…>; groupEnd closes it.
type group struct{ attrs }
type groupEnd struct{}

func (rect) isItem()     {}
func (path) isItem()     {}
func (text) isItem()     {}
func (group) isItem()    {}
func (groupEnd) isItem() {}

// fontFamily is what the SVG asks for: the Go fonts the raster uses, then
// look-alikes.
const fontFamily = "Go, Helvetica Neue, Helvetica, Arial, sans-serif"

// goFonts parses the embedded Go Regular and Go Bold once.
var goFonts = sync.OnceValues(func() ([2]*sfnt.Font, error) {
	var fs [2]*sfnt.Font
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return fs, fmt.Errorf("parse go font: %w", err)
		}
		fs[i] = f
	}
	return fs, nil
})

// faces hands out font faces by size and weight. A face is not safe for
// concurrent use, so each render has its own faces.
type faces struct {
	fonts [2]*sfnt.Font
	cache map[faceKey]font.Face
}

type faceKey struct {
	size float64
	bold bool
}

func newFaces() (*faces, error) {
	fs, err := goFonts()
	if err != nil {
		return nil, err
	}
	return &faces{fonts: fs, cache: map[faceKey]font.Face{}}, nil
}

func (f *faces) face(size float64, bold bool) font.Face {
	k := faceKey{size, bold}
	if fc, ok := f.cache[k]; ok {
		return fc
	}
	i := 0
	if bold {
		i = 1
	}
	// NewFace fails only for a nil font or a size that is not positive.
	fc, err := opentype.NewFace(f.fonts[i], &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		fc = nil
	}
	f.cache[k] = fc
	return fc
}

// measure returns the advance width of s in pixels.
func (f *faces) measure(s string, size float64, bold bool) float64 {
	fc := f.face(size, bold)
	if fc == nil {
		return 0
	}
	return fixedToFloat(font.MeasureString(fc, s))
}

// fit shortens s with an ellipsis until it is at most w pixels wide.
func (f *faces) fit(s string, size float64, bold bool, w float64) string {
	if f.measure(s, size, bold) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && f.measure(string(r)+"…", size, bold) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func fixedToFloat(v fixed.Int26_6) float64 { return float64(v) / 64 }

func rgb(c uint32) color.NRGBA {
	return color.NRGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 0xff}
}

func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }
