package backtest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/color"
	"io"
	"strconv"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// RenderSVG draws the chart of prints and inputs (see the package
// documentation) as a standalone SVG document with no external references.
// The bytes are a pure function of the arguments. It returns an error
// wrapping ErrNoPrints, ErrNilPrint or ErrBadOptions for such input, and the
// writer's error otherwise.
func RenderSVG(w io.Writer, prints []*event.RiskScore, inputs []event.Event, opts Options) error {
	d, _, err := prepare(prints, inputs, opts)
	if err != nil {
		return fmt.Errorf("render svg: %w", err)
	}
	if _, err := w.Write(encodeSVG(d)); err != nil {
		return fmt.Errorf("render svg: %w", err)
	}
	return nil
}

// prepare checks the input and lays out the drawing.
func prepare(prints []*event.RiskScore, inputs []event.Event, opts Options) (*drawing, *story, error) {
	if err := checkPrints(prints); err != nil {
		return nil, nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, nil, err
	}
	st := newStory(prints, inputs)
	d, err := buildDrawing(st, opts.withDefaults())
	return d, st, err
}

// encodeSVG writes d as an SVG element (no XML declaration, so it can also
// sit inline in HTML).
func encodeSVG(d *drawing) []byte {
	var b bytes.Buffer
	e := svgEncoder{&b}
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1"`)
	e.attr("width", num(d.width))
	e.attr("height", num(d.height))
	e.attr("viewBox", "0 0 "+num(d.width)+" "+num(d.height))
	e.attr("font-family", fontFamily)
	e.attr("role", "img")
	e.attr("aria-label", d.title)
	b.WriteString(">\n<title>")
	e.text(d.title)
	b.WriteString("</title>\n")
	for _, it := range d.items {
		switch it := it.(type) {
		case group:
			e.start("g", it.attrs)
			b.WriteString(">\n")
		case groupEnd:
			b.WriteString("</g>\n")
		case rect:
			e.start("rect", it.attrs)
			e.attr("x", num(it.x))
			e.attr("y", num(it.y))
			e.attr("width", num(it.w))
			e.attr("height", num(it.h))
			e.paint("fill", it.fill)
			e.end("rect", it.tip)
		case path:
			e.start("path", it.attrs)
			e.attr("d", pathData(it.subpaths, it.closed))
			e.paint("fill", it.fill)
			if it.stroke.A > 0 {
				e.paint("stroke", it.stroke)
				e.attr("stroke-width", num(it.width))
				e.attr("stroke-linejoin", "round")
			}
			e.end("path", it.tip)
		case text:
			e.start("text", it.attrs)
			e.attr("x", num(it.x))
			e.attr("y", num(it.y))
			e.attr("font-size", num(it.size))
			if it.bold {
				e.attr("font-weight", "bold")
			}
			switch it.anchor {
			case anchorMiddle:
				e.attr("text-anchor", "middle")
			case anchorEnd:
				e.attr("text-anchor", "end")
			}
			e.paint("fill", it.fill)
			b.WriteString(">")
			e.text(it.s)
			b.WriteString("</text>\n")
		}
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

type svgEncoder struct{ b *bytes.Buffer }

// start opens element name with its id and class.
func (e svgEncoder) start(name string, a attrs) {
	e.b.WriteString("<" + name)
	e.attrs(a)
}

func (e svgEncoder) attr(name, value string) {
	e.b.WriteString(" " + name + `="`)
	e.text(value)
	e.b.WriteString(`"`)
}

func (e svgEncoder) attrs(a attrs) {
	if a.id != "" {
		e.attr("id", a.id)
	}
	if a.class != "" {
		e.attr("class", a.class)
	}
}

// paint writes a colour attribute, with an opacity when it is translucent
// and "none" when it is transparent.
func (e svgEncoder) paint(name string, c color.NRGBA) {
	if c.A == 0 {
		e.attr(name, "none")
		return
	}
	e.attr(name, fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B))
	if c.A < 0xff {
		e.attr(name+"-opacity", strconv.FormatFloat(float64(c.A)/0xff, 'f', 3, 64))
	}
}

// end closes an empty element, or gives it a <title> child when there is a
// tooltip.
func (e svgEncoder) end(name, tip string) {
	if tip == "" {
		e.b.WriteString("/>\n")
		return
	}
	e.b.WriteString("><title>")
	e.text(tip)
	e.b.WriteString("</title></" + name + ">\n")
}

func (e svgEncoder) text(s string) {
	_ = xml.EscapeText(e.b, []byte(s)) // a bytes.Buffer does not fail
}

func pathData(subpaths [][]pt, closed bool) string {
	var b bytes.Buffer
	for _, sp := range subpaths {
		for i, p := range sp {
			if i == 0 {
				b.WriteByte('M')
			} else {
				b.WriteByte('L')
			}
			b.WriteString(num(p.x))
			b.WriteByte(' ')
			b.WriteString(num(p.y))
		}
		if closed && len(sp) > 0 {
			b.WriteByte('Z')
		}
	}
	return b.String()
}

// num writes a coordinate to two decimals, without trailing zeros.
func num(v float64) string { return strconv.FormatFloat(round2(v), 'f', -1, 64) }
