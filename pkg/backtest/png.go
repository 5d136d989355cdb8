package backtest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// RenderPNG draws the same chart as RenderSVG, rasterised (anti-aliased,
// Go fonts) at Width × Height pixels, and under it, as text, the tables of
// the HTML page: regime changes and trigger episodes, each cut at 40 rows
// with a line counting the rest. The image is Width pixels wide and as tall
// as the chart and the tables need; it is encoded as PNG. The bytes are a
// pure function of the arguments. It returns an error wrapping ErrNoPrints,
// ErrNilPrint or ErrBadOptions for such input, and the writer's error
// otherwise.
func RenderPNG(w io.Writer, prints []*event.RiskScore, inputs []event.Event, opts Options) error {
	d, st, err := prepare(prints, inputs, opts)
	if err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	f, err := newFaces()
	if err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	appendTables(d, f, storyTables(st))
	img, err := rasterize(d)
	if err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return fmt.Errorf("render png: encode: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	return nil
}

// rasterize paints d onto a white RGBA image.
func rasterize(d *drawing) (*image.RGBA, error) {
	f, err := newFaces()
	if err != nil {
		return nil, err
	}
	r := &raster{
		img:   image.NewRGBA(image.Rect(0, 0, int(math.Ceil(d.width)), int(math.Ceil(d.height)))),
		faces: f,
	}
	for _, it := range d.items {
		switch it := it.(type) {
		case rect:
			r.fill([][]pt{{{it.x, it.y}, {it.x + it.w, it.y}, {it.x + it.w, it.y + it.h}, {it.x, it.y + it.h}}}, it.fill)
		case path:
			if it.fill.A > 0 {
				r.fill(it.subpaths, it.fill)
			}
			if it.stroke.A > 0 && it.width > 0 {
				r.fill(strokeOutline(it.subpaths, it.closed, it.width), it.stroke)
			}
		case text:
			r.text(it)
		}
	}
	return r.img, nil
}

type raster struct {
	img   *image.RGBA
	faces *faces
	z     vector.Rasterizer
}

// fill paints the union (non-zero winding) of the closed polygons in
// subpaths with col.
func (r *raster) fill(subpaths [][]pt, col color.NRGBA) {
	if col.A == 0 {
		return
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, sp := range subpaths {
		for _, p := range sp {
			x0, y0, x1, y1 = min(x0, p.x), min(y0, p.y), max(x1, p.x), max(y1, p.y)
		}
	}
	if x0 > x1 {
		return
	}
	box := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(r.img.Bounds())
	if box.Empty() {
		return
	}
	r.z.Reset(box.Dx(), box.Dy())
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	for _, sp := range subpaths {
		if len(sp) < 3 {
			continue
		}
		r.z.MoveTo(float32(sp[0].x-ox), float32(sp[0].y-oy))
		for _, p := range sp[1:] {
			r.z.LineTo(float32(p.x-ox), float32(p.y-oy))
		}
		r.z.ClosePath()
	}
	r.z.Draw(r.img, box, image.NewUniform(col), image.Point{})
}

// strokeOutline turns polylines into polygons that cover them at width w:
// one rectangle per segment with butt ends, lengthened at each joint by the
// miter length (capped at w/2), so corners are filled without the segments
// overlapping more than they must (overlapping anti-aliased edges would
// darken). The rectangles all wind the same way, so their union fills.
func strokeOutline(subpaths [][]pt, closed bool, w float64) [][]pt {
	var out [][]pt
	h := w / 2
	for _, sp := range subpaths {
		sp = slices.CompactFunc(slices.Clone(sp), func(a, b pt) bool { return a == b })
		if closed && len(sp) > 1 {
			sp = append(sp[:len(sp):len(sp)], sp[0], sp[1])
		}
		dir := func(i int) (float64, float64) { // unit vector of segment i-1 → i
			dx, dy := sp[i].x-sp[i-1].x, sp[i].y-sp[i-1].y
			l := math.Hypot(dx, dy)
			return dx / l, dy / l
		}
		// joint returns how far to lengthen the segments meeting at vertex i.
		joint := func(i int) float64 {
			if i <= 0 || i >= len(sp)-1 {
				return 0
			}
			ax, ay := dir(i)
			bx, by := dir(i + 1)
			cos := ax*bx + ay*by
			if cos <= -0.999 {
				return h
			}
			return h * min(math.Sqrt(max(0, (1-cos)/(1+cos))), 1)
		}
		for i := 1; i < len(sp); i++ {
			a, b := sp[i-1], sp[i]
			if closed && i == len(sp)-1 {
				continue // the last segment of a closed path only served the joint
			}
			ux, uy := dir(i)
			ea, eb := joint(i-1), joint(i)
			a = pt{a.x - ux*ea, a.y - uy*ea}
			b = pt{b.x + ux*eb, b.y + uy*eb}
			nx, ny := -uy*h, ux*h
			out = append(out, []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
		}
	}
	return out
}

// text draws one line of text with its baseline at t.y.
func (r *raster) text(t text) {
	face := r.faces.face(t.size, t.bold)
	if face == nil || t.s == "" {
		return
	}
	x := t.x
	switch w := fixedToFloat(font.MeasureString(face, t.s)); t.anchor {
	case anchorMiddle:
		x -= w / 2
	case anchorEnd:
		x -= w
	}
	dr := font.Drawer{
		Dst:  r.img,
		Src:  image.NewUniform(t.fill),
		Face: face,
		Dot:  fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(t.y * 64))},
	}
	dr.DrawString(t.s)
}
