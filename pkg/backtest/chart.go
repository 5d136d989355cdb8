package backtest

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

// Type sizes and vertical rhythm, in pixels.
const (
	sizeTitle = 18
	sizeSub   = 12
	sizeHead  = 12
	sizeTick  = 11
	sizeSmall = 10

	headH    = 18 // heading row above each panel
	panelGap = 10
	laneH    = 16 // one trigger or venue lane
	stripH   = 14 // the regime strip under the index
	topH     = 62 // title and subtitle
	bottomH  = 46 // time labels and axis label
)

var (
	colInk    = rgb(0x222222)
	colMuted  = rgb(0x666666)
	colGrid   = color.NRGBA{A: 0x18}
	colFrame  = rgb(0xb8b8b8)
	colLane   = rgb(0xf2f2f2)
	colIndex  = rgb(0x1b1b3a)
	colZero   = rgb(0x8a8a8a)
	colWhite  = rgb(0xffffff)
	colInflow = rgb(0x2e8b57)
	colOutflw = rgb(0xd0453b)

	// blockColors is Tableau 10, one per block in name order.
	blockColors = []uint32{0x4e79a7, 0xf28e2b, 0x59a14f, 0xe15759, 0x76b7b2, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac}
	// triggerColors are strong colours, one per trigger in name order.
	triggerColors = []uint32{0xc0392b, 0x6a3d9a, 0x1f78b4, 0xd35400, 0x117a65, 0x7b241c, 0x5d6d7e}
	// seriesColors draw the JGB tenors and the ETF assets when there are several.
	seriesColors = []uint32{0x1f77b4, 0xff7f0e, 0x2ca02c, 0x9467bd, 0x8c564b}
	colFed       = rgb(0x6a3d9a)
	// severityColors follow event.Severities, worst first.
	severityColors = map[string]color.NRGBA{
		event.SeverityHalt:        rgb(0x7f0000),
		event.SeverityMajor:       rgb(0xd62728),
		event.SeverityPartial:     rgb(0xff7f0e),
		event.SeverityDegraded:    rgb(0xe6c229),
		event.SeverityMaintenance: rgb(0x8da0cb),
		event.SeverityNone:        rgb(0xb0b0b0),
	}
)

// regimeStyle is one regime: a light band colour, a strong strip colour
// and the colour of text on the strip. Its band's index range comes from
// the calibration (chart.bands).
type regimeStyle struct {
	name         string
	band, strong color.NRGBA
	onStrong     color.NRGBA
}

var regimeStyles = []regimeStyle{
	{event.RegimeCalm, rgb(0xe3f1df), rgb(0x3f8f45), colWhite},
	{event.RegimeWatch, rgb(0xfbf1c5), rgb(0xe0b000), colInk},
	{event.RegimeElevated, rgb(0xfbdcbd), rgb(0xe8710a), colWhite},
	{event.RegimeStress, rgb(0xf6cdcd), rgb(0xc62828), colWhite},
}

// v1Thresholds are the model specification's regime thresholds, for prints
// of a model this binary does not know.
var v1Thresholds = [3]float64{40, 60, 75}

// regimeThresholds returns o.Thresholds, else those of the embedded
// calibration of the last print's model version.
func regimeThresholds(prints []*event.RiskScore, o Options) [3]float64 {
	if o.Thresholds != ([3]float64{}) {
		return o.Thresholds
	}
	if len(prints) > 0 {
		if c, err := risk.CalibrationFor(prints[len(prints)-1].ModelVersion); err == nil {
			return c.RegimeThresholds()
		}
	}
	return v1Thresholds
}

func regimeOf(name string) regimeStyle {
	for _, r := range regimeStyles {
		if r.name == name {
			return r
		}
	}
	return regimeStyle{name: name, band: colLane, strong: colMuted, onStrong: colWhite}
}

func pick(palette []uint32, i int) color.NRGBA { return rgb(palette[i%len(palette)]) }

// chart lays a story out on a drawing.
type chart struct {
	d           *drawing
	f           *faces
	st          *story
	left, right float64 // the plot area's x extent
	ticks       []timeTick
	// bands are the regimes' index ranges, calmest first.
	bands [4][2]float64
}

// panel is one horizontal band of the chart: a heading row, then a plot of
// fixed height or of a share (weight) of what is left.
type panel struct {
	id      string
	heading string
	legend  []legendItem
	fixed   float64 // plot height, if weight is 0
	weight  float64 // share of the height left after fixed plots and every minimum
	min     float64 // least plot height, if weight is not 0
	draw    func(y0, y1 float64)
}

type legendItem struct {
	label string
	col   color.NRGBA
	line  bool // a line sample instead of a swatch
}

// buildDrawing lays out the chart of st at the size of o (defaults applied).
func buildDrawing(st *story, o Options) (*drawing, error) {
	f, err := newFaces()
	if err != nil {
		return nil, err
	}
	W, H := float64(o.Width), float64(o.Height)
	c := &chart{d: &drawing{width: W, height: H, title: o.Title}, f: f, st: st}
	thr := regimeThresholds(st.prints, o)
	c.bands = [4][2]float64{{0, thr[0]}, {thr[0], thr[1]}, {thr[1], thr[2]}, {thr[2], 100}}

	labelW := 0.0
	for _, l := range slices.Concat([]string{"regime"}, st.triggers, st.venues) {
		labelW = max(labelW, f.measure(l, sizeTick, false))
	}
	c.left = math.Round(max(60, min(labelW, W/5)+18))
	c.right = W - math.Round(max(60, f.measure(event.RegimeElevated, sizeTick, true)+20))
	c.ticks = timeTicks(st.start, st.end, c.right-c.left, func(layout string) float64 {
		return f.measure(time.Date(2000, 12, 22, 22, 22, 0, 0, time.UTC).Format(layout), sizeTick, false)
	})

	panels := c.panels()
	flex, weights := H-topH-bottomH-panelGap*float64(len(panels)-1), 0.0
	for _, p := range panels {
		flex -= headH + p.fixed + p.min
		weights += p.weight
	}
	if flex < 0 {
		return nil, fmt.Errorf("%w: height %d is %.0f pixels short for %d panels, %d trigger and %d venue lanes",
			ErrBadOptions, o.Height, -flex, len(panels), len(st.triggers), len(st.venues))
	}
	c.d.items = append(c.d.items, rect{x: 0, y: 0, w: W, h: H, fill: colWhite})
	c.header(o.Title, len(o.Rejected))
	y := float64(topH)
	for i, p := range panels {
		h := p.fixed
		if p.weight > 0 {
			h = p.min + math.Floor(flex*p.weight/weights)
		}
		c.add(group{attrs{id: "panel-" + p.id}})
		c.heading(y, p.heading, p.legend)
		p.draw(y+headH, y+headH+h)
		c.add(groupEnd{})
		y += headH + h
		if i < len(panels)-1 {
			y += panelGap
		}
	}
	c.timeAxis(y)
	return c.d, nil
}

func (c *chart) add(it ...item) { c.d.items = append(c.d.items, it...) }

// panels lists what to draw, top to bottom; input panels with no data are
// left out (the subtitle says which).
func (c *chart) panels() []panel {
	st := c.st
	ps := []panel{
		{id: "index", heading: "(a) CLRI index (0–100 points) over its regime bands; the strip below is the regime",
			weight: 3, min: 100, draw: c.drawIndex},
		{id: "contributions", heading: "(b) Block contributions (index points, stacked; they sum to the index)",
			legend: c.blockLegend(), weight: 2.2, min: 44, draw: c.drawContributions},
		{id: "triggers", heading: "(c) Triggers (shaded while active)",
			fixed: laneH * float64(max(1, len(st.triggers))), draw: c.drawTriggers},
	}
	for i, s := range st.yields {
		ps = append(ps, panel{id: "jgb-" + strings.ToLower(s.name), heading: "JGB " + s.name + " yield (%)",
			weight: 0.8, min: 24, draw: func(y0, y1 float64) { c.drawYield(y0, y1, i) }})
	}
	if len(st.fed) > 0 {
		ps = append(ps, panel{id: "fed", heading: "Fed: expected change at the next FOMC meeting (bp, Σ change × probability)",
			legend: []legendItem{{label: "next meeting", col: colFed, line: true}}, weight: 1, min: 24, draw: c.drawFed})
	}
	if len(st.flows) > 0 {
		legend := []legendItem{{label: "inflow", col: colInflow}, {label: "outflow", col: colOutflw}}
		if len(st.assets) > 1 {
			legend = nil
			for i, a := range st.assets {
				legend = append(legend, legendItem{label: a, col: pick(seriesColors, i)})
			}
		}
		ps = append(ps, panel{id: "etf", heading: "ETF TOTAL net flows, " + strings.Join(st.assets, ", ") + " (US$ bn per trading day)",
			legend: legend, weight: 1, min: 24, draw: c.drawFlows})
	}
	var sev []legendItem
	for _, s := range event.Severities {
		if slices.ContainsFunc(st.incidents, func(i incident) bool { return i.severity == s }) {
			sev = append(sev, legendItem{label: s, col: severityColors[s]})
		}
	}
	ps = append(ps, panel{id: "incidents", heading: "Venue incidents (open → resolve)", legend: sev,
		fixed: laneH * float64(max(1, len(st.venues))), draw: c.drawIncidents})
	for i := 3; i < len(ps); i++ {
		ps[i].heading = fmt.Sprintf("(d%d) %s", i-2, ps[i].heading)
	}
	return ps
}

func (c *chart) blockLegend() []legendItem {
	var l []legendItem
	for i, b := range c.st.blocks {
		l = append(l, legendItem{label: b, col: pick(blockColors, i)})
	}
	return l
}

// header writes the title and a one-line summary that fits the width.
// rejected is the number of input lines that were not valid events.
func (c *chart) header(title string, rejected int) {
	st, W := c.st, c.d.width
	c.add(text{attrs: attrs{id: "title"}, x: 16, y: 28, s: c.fit(title, sizeTitle, true, W-32), size: sizeTitle, bold: true, fill: colInk})
	last := st.prints[len(st.prints)-1]
	versions, hashes := st.modelVersions()
	parts := []string{
		fmt.Sprintf("%s → %s UTC", utc(st.start), utc(st.end)),
		fmt.Sprintf("%d prints", len(st.prints)),
	}
	if rejected > 0 {
		parts = append(parts, plural(rejected, "input line")+" rejected")
	}
	parts = append(parts, fmt.Sprintf("last %.1f %s", last.Index, last.Regime))
	if len(st.absent) > 0 {
		parts = append(parts, "not in the input: "+strings.Join(st.absent, ", "))
	}
	parts = append(parts, "model "+strings.Join(versions, ", "), "calibration "+strings.Join(shorten(hashes, 12), ", "))
	sub := parts[0]
	for _, p := range parts[1:] {
		if c.f.measure(sub+" · "+p, sizeSub, false) > W-32 {
			break
		}
		sub += " · " + p
	}
	c.add(text{attrs: attrs{id: "subtitle"}, x: 16, y: 48, s: sub, size: sizeSub, fill: colMuted})
}

// shorten keeps the first n characters of each hash, after a "sha256:"-like
// prefix if there is one.
func shorten(hashes []string, n int) []string {
	out := make([]string, len(hashes))
	for i, h := range hashes {
		prefix, rest, ok := strings.Cut(h, ":")
		if !ok {
			prefix, rest = "", h
		} else {
			prefix += ":"
		}
		if r := []rune(rest); len(r) > n {
			rest = string(r[:n])
		}
		out[i] = prefix + rest
	}
	return out
}

// fit shortens s with an ellipsis until it is at most w wide.
func (c *chart) fit(s string, size float64, bold bool, w float64) string {
	return c.f.fit(s, size, bold, w)
}

// heading writes a panel's heading on the left and its legend on the right
// of the row starting at y.
func (c *chart) heading(y float64, s string, legend []legendItem) {
	base := y + 13
	const sw, pad, space = 10.0, 4.0, 12.0
	lw := 0.0
	for _, l := range legend {
		lw += sw + pad + c.f.measure(l.label, sizeTick, false) + space
	}
	x := c.right - lw + space
	c.add(text{attrs: attrs{class: "heading"}, x: c.left, y: base, s: c.fit(s, sizeHead, true, x-c.left-16), size: sizeHead, bold: true, fill: colInk})
	for _, l := range legend {
		if l.line {
			c.add(rect{x: x, y: base - 5, w: sw + 2, h: 2.5, fill: l.col})
		} else {
			c.add(rect{x: x, y: base - 9, w: sw, h: sw, fill: l.col})
		}
		x += sw + pad
		c.add(text{attrs: attrs{class: "legend"}, x: x, y: base, s: l.label, size: sizeTick, fill: colInk})
		x += c.f.measure(l.label, sizeTick, false) + space
	}
}

// x maps an instant to the time axis.
func (c *chart) x(t time.Time) float64 {
	st := c.st
	f := float64(t.Sub(st.start)) / float64(st.end.Sub(st.start))
	return c.left + f*(c.right-c.left)
}

// vgrid draws the vertical grid lines of the time ticks from y0 to y1.
func (c *chart) vgrid(y0, y1 float64) {
	var sub [][]pt
	for _, tk := range c.ticks {
		x := math.Round(c.x(tk.t)) + 0.5
		sub = append(sub, []pt{{x, y0}, {x, y1}})
	}
	c.add(path{attrs: attrs{class: "grid"}, subpaths: sub, stroke: colGrid, width: 1})
}

// frame outlines a plot area.
func (c *chart) frame(y0, y1 float64) {
	l, r := c.left+0.5, c.right-0.5
	c.add(path{attrs: attrs{class: "frame"}, subpaths: [][]pt{{{l, y0 + 0.5}, {r, y0 + 0.5}, {r, y1 - 0.5}, {l, y1 - 0.5}}},
		closed: true, stroke: colFrame, width: 1})
}

// yAxis draws horizontal grid lines and left labels at values, mapped by y;
// a label that would touch the one before is left out.
func (c *chart) yAxis(values []float64, labels []string, y func(float64) float64) {
	var sub [][]pt
	last := math.Inf(1)
	for i, v := range values {
		yy := math.Round(y(v)) + 0.5
		sub = append(sub, []pt{{c.left, yy}, {c.right, yy}})
		if math.Abs(last-yy) < sizeTick+1 {
			continue
		}
		last = yy
		c.add(text{attrs: attrs{class: "tick"}, x: c.left - 6, y: yy + 4, s: labels[i], size: sizeTick, anchor: anchorEnd, fill: colMuted})
	}
	c.add(path{attrs: attrs{class: "grid"}, subpaths: sub, stroke: colGrid, width: 1})
}

// tickCount is how many value ticks suit a plot from y0 to y1.
func tickCount(y0, y1 float64) int { return int(min(5, max(2, (y1-y0)/28))) }

// scale returns the map from [lo, hi] onto [y1, y0] (up is more).
func scale(lo, hi, y0, y1 float64) func(float64) float64 {
	return func(v float64) float64 { return y1 - (v-lo)/(hi-lo)*(y1-y0) }
}

func (c *chart) drawIndex(y0, y1 float64) {
	st := c.st
	py1 := y1 - stripH - 6
	y := scale(0, 100, y0, py1)
	for i, r := range regimeStyles {
		lo, hi := c.bands[i][0], c.bands[i][1]
		c.add(rect{attrs: attrs{class: "regime-band"}, x: c.left, y: y(hi), w: c.right - c.left, h: y(lo) - y(hi), fill: r.band})
	}
	// Band labels in the right margin, each centred on its band, pushed
	// apart where the bands are too thin to hold them.
	ly := make([]float64, len(regimeStyles))
	for i := range regimeStyles {
		ly[i] = (y(c.bands[i][0])+y(c.bands[i][1]))/2 + 4
		if i > 0 {
			ly[i] = min(ly[i], ly[i-1]-sizeTick)
		}
	}
	if shift := y0 + sizeTick - ly[len(ly)-1]; shift > 0 {
		for i := range ly {
			ly[i] += shift
		}
	}
	for i, r := range regimeStyles {
		c.add(text{attrs: attrs{class: "band-label"}, x: c.right + 8, y: ly[i], s: r.name, size: sizeTick, bold: true, fill: r.strong})
	}
	c.vgrid(y0, py1)
	ticks := []float64{0, c.bands[1][0], c.bands[2][0], c.bands[3][0], 100} // the regime thresholds
	labels := make([]string, len(ticks))
	for i, v := range ticks {
		labels[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	c.yAxis(ticks, labels, y)

	xs, ys := make([]float64, len(st.prints)), make([]float64, len(st.prints))
	for i, p := range st.prints {
		xs[i], ys[i] = c.x(p.Watermark.EventTime), y(min(100, max(0, finite(p.Index))))
	}
	line := stepPoints(xs, ys, keepM4(xs, ys), c.right)
	c.add(path{attrs: attrs{id: "index-line", tip: "CLRI index"}, subpaths: [][]pt{line}, stroke: colIndex, width: 1.8})
	c.frame(y0, py1)

	// The regime strip.
	sy := y1 - stripH
	c.add(text{attrs: attrs{class: "lane-label"}, x: c.left - 6, y: sy + stripH/2 + 4, s: "regime", size: sizeTick, anchor: anchorEnd, fill: colInk})
	for _, s := range st.regimes {
		r := regimeOf(s.label)
		x0, x1 := c.x(s.from), max(c.x(s.to), c.x(s.from)+1.5)
		c.add(rect{attrs: attrs{class: "regime-strip", tip: s.label + ": " + describeSpan(s.from, s.to, false)},
			x: x0, y: sy, w: x1 - x0, h: stripH, fill: r.strong})
		if w := c.f.measure(s.label, sizeSmall, true); x1-x0 >= w+8 {
			c.add(text{x: (x0 + x1) / 2, y: sy + stripH/2 + 3.5, s: s.label, size: sizeSmall, bold: true, anchor: anchorMiddle, fill: r.onStrong})
		}
	}
}

func (c *chart) drawContributions(y0, y1 float64) {
	st := c.st
	n := len(st.prints)
	xs := make([]float64, n)
	pos := make([][]float64, len(st.blocks)+1) // pos[b+1][i]: sum of positive contributions of blocks 0..b
	neg := make([][]float64, len(st.blocks)+1)
	pos[0], neg[0] = make([]float64, n), make([]float64, n)
	for b := range st.blocks {
		pos[b+1], neg[b+1] = make([]float64, n), make([]float64, n)
	}
	lo, hi := 0.0, 0.0
	for i, p := range st.prints {
		xs[i] = c.x(p.Watermark.EventTime)
		for b, name := range st.blocks {
			v := 0.0
			if blk, ok := findBlock(p, name); ok {
				v = finite(blk.Contribution)
			}
			pos[b+1][i], neg[b+1][i] = pos[b][i]+max(v, 0), neg[b][i]+min(v, 0)
		}
		hi, lo = max(hi, pos[len(st.blocks)][i]), min(lo, neg[len(st.blocks)][i])
	}
	if hi-lo < 1 {
		hi = lo + 1
	}
	ticks, vlo, vhi := niceTicks(lo, hi, tickCount(y0, y1))
	y := scale(vlo, vhi, y0, y1)
	c.vgrid(y0, y1)
	c.yAxis(ticks, formatTicks(ticks), y)
	keep := keepLast(xs)
	mapped := func(vs []float64) []float64 {
		out := make([]float64, len(vs))
		for i, v := range vs {
			out[i] = y(v)
		}
		return out
	}
	for b, name := range st.blocks {
		var sub [][]pt
		for _, stack := range [][][]float64{pos, neg} {
			if slices.Equal(stack[b], stack[b+1]) {
				continue
			}
			top := stepPoints(xs, mapped(stack[b+1]), keep, c.right)
			bot := stepPoints(xs, mapped(stack[b]), keep, c.right)
			slices.Reverse(bot)
			sub = append(sub, append(top, bot...))
		}
		if len(sub) > 0 {
			c.add(path{attrs: attrs{id: "contribution-" + name, class: "contribution", tip: name + " contribution"},
				subpaths: sub, closed: true, fill: pick(blockColors, b)})
		}
	}
	if vlo < 0 {
		c.add(path{subpaths: [][]pt{{{c.left, y(0)}, {c.right, y(0)}}}, stroke: colZero, width: 1})
	}
	c.frame(y0, y1)
}

// lanes draws one shaded lane per label with spans in it, or a note when
// there are no labels.
func (c *chart) lanes(y0, y1 float64, labels []string, class, none string, spans func(lane int, y, h float64)) {
	if len(labels) == 0 {
		c.add(rect{x: c.left, y: y0 + 1, w: c.right - c.left, h: laneH - 2, fill: colLane})
		c.add(text{x: (c.left + c.right) / 2, y: y0 + laneH/2 + 4, s: none, size: sizeTick, anchor: anchorMiddle, fill: colMuted})
		return
	}
	for i, l := range labels {
		ly := y0 + float64(i)*laneH
		c.add(rect{x: c.left, y: ly + 1, w: c.right - c.left, h: laneH - 2, fill: colLane})
		c.add(text{attrs: attrs{class: class}, x: c.left - 6, y: ly + laneH/2 + 4, s: c.fit(l, sizeTick, false, c.left-12),
			size: sizeTick, anchor: anchorEnd, fill: colInk})
	}
	c.vgrid(y0, y1)
	for i := range labels {
		spans(i, y0+float64(i)*laneH+2, laneH-4)
	}
}

func (c *chart) drawTriggers(y0, y1 float64) {
	st := c.st
	c.lanes(y0, y1, st.triggers, "trigger-label", "no trigger fired in the period", func(lane int, y, h float64) {
		name := st.triggers[lane]
		for _, e := range st.episodes {
			if e.trigger != name {
				continue
			}
			x0 := c.x(e.from)
			x1 := max(c.x(e.to), x0+2)
			c.add(rect{attrs: attrs{class: "trigger-span", tip: fmt.Sprintf("%s: %s, peak index %.1f", name, describeSpan(e.from, e.to, e.open), e.peak)},
				x: x0, y: y, w: x1 - x0, h: h, fill: pick(triggerColors, lane)})
		}
	})
}

func (c *chart) drawIncidents(y0, y1 float64) {
	st := c.st
	c.lanes(y0, y1, st.venues, "venue-label", "no venue incident in the period", func(lane int, y, h float64) {
		venue := st.venues[lane]
		for _, inc := range st.incidents {
			if inc.venue != venue {
				continue
			}
			x0 := max(c.x(inc.from), c.left)
			x1 := max(min(c.x(inc.to), c.right), x0+2)
			col, ok := severityColors[inc.severity]
			if !ok {
				col = colMuted
			}
			tip := fmt.Sprintf("%s %s %s: %s", venue, inc.severity, inc.id, describeSpan(inc.from, inc.to, inc.open))
			if inc.title != "" {
				tip += " — " + inc.title
			}
			c.add(rect{attrs: attrs{class: "incident-span", tip: tip}, x: x0, y: y, w: x1 - x0, h: h, fill: col})
			label := inc.severity
			if inc.title != "" {
				label += ": " + inc.title
			}
			if x1-x0 >= c.f.measure(inc.severity, sizeSmall, false)+8 {
				c.add(text{x: x0 + 4, y: y + h/2 + 3.5, s: c.fit(label, sizeSmall, false, x1-x0-8), size: sizeSmall, fill: colWhite})
			}
		}
	})
	c.frame(y0, y1)
}

// lineRange returns the range of the values of ss, padded by a tenth.
func lineRange(ss []series, withZero bool) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	if withZero {
		lo, hi = 0, 0
	}
	for _, s := range ss {
		for _, p := range s.pts {
			lo, hi = min(lo, p.v), max(hi, p.v)
		}
	}
	pad := (hi - lo) * 0.08
	return lo - pad, hi + pad
}

// drawLines draws each series as a line (a lone point as a dot).
func (c *chart) drawLines(ss []series, cols func(int) color.NRGBA, y func(float64) float64, class string) {
	for i, s := range ss {
		line := make([]pt, len(s.pts))
		for j, p := range s.pts {
			line[j] = pt{c.x(p.t), y(p.v)}
		}
		if len(line) == 1 {
			p := line[0]
			c.add(rect{attrs: attrs{class: class, tip: s.name}, x: p.x - 2, y: p.y - 2, w: 4, h: 4, fill: cols(i)})
			continue
		}
		c.add(path{attrs: attrs{class: class, tip: s.name}, subpaths: [][]pt{simplify(line)}, stroke: cols(i), width: 1.6})
	}
}

func (c *chart) drawYield(y0, y1 float64, i int) {
	s := c.st.yields[i : i+1]
	lo, hi := lineRange(s, false)
	ticks, vlo, vhi := niceTicks(lo, hi, min(3, tickCount(y0, y1)))
	y := scale(vlo, vhi, y0, y1)
	c.vgrid(y0, y1)
	c.yAxis(ticks, formatTicks(ticks), y)
	c.drawLines(s, func(int) color.NRGBA { return pick(seriesColors, i) }, y, "jgb-line")
	c.frame(y0, y1)
}

func (c *chart) drawFed(y0, y1 float64) {
	st := c.st
	lo, hi := lineRange(st.fed, true)
	ticks, vlo, vhi := niceTicks(lo, hi, min(3, tickCount(y0, y1)))
	y := scale(vlo, vhi, y0, y1)
	c.vgrid(y0, y1)
	c.yAxis(ticks, formatTicks(ticks), y)
	c.add(path{subpaths: [][]pt{{{c.left, y(0)}, {c.right, y(0)}}}, stroke: colZero, width: 1})
	c.drawLines(st.fed, func(int) color.NRGBA { return colFed }, y, "fed-line")
	for i, s := range st.fed {
		x0 := c.x(s.pts[0].t)
		x1 := c.right
		if i+1 < len(st.fed) {
			x1 = c.x(st.fed[i+1].pts[0].t)
		}
		if i > 0 {
			c.add(path{subpaths: [][]pt{{{math.Round(x0) + 0.5, y0}, {math.Round(x0) + 0.5, y1}}}, stroke: withAlpha(colFed, 0x60), width: 1})
		}
		if label := s.name; x1-x0 >= c.f.measure(label, sizeSmall, false)+8 {
			c.add(text{attrs: attrs{class: "fed-meeting"}, x: x0 + 4, y: y0 + 12, s: label, size: sizeSmall, fill: colFed})
		}
	}
	c.frame(y0, y1)
}

func (c *chart) drawFlows(y0, y1 float64) {
	st := c.st
	lo, hi := 0.0, 0.0
	for _, f := range st.flows {
		lo, hi = min(lo, f.usd/1e9), max(hi, f.usd/1e9)
	}
	ticks, vlo, vhi := niceTicks(lo, hi, min(3, tickCount(y0, y1)))
	y := scale(vlo, vhi, y0, y1)
	c.vgrid(y0, y1)
	c.yAxis(ticks, formatTicks(ticks), y)
	dayW := c.x(st.start.Add(day)) - c.x(st.start)
	n := float64(len(st.assets))
	barW := max(1, dayW*0.7/n)
	for _, f := range st.flows {
		k := float64(slices.Index(st.assets, f.asset))
		x0 := c.x(f.day) + dayW*0.15 + k*barW
		x1 := min(x0+barW, c.right)
		x0 = max(x0, c.left)
		if x1 <= x0 {
			continue
		}
		col := colInflow
		switch {
		case n > 1:
			col = pick(seriesColors, int(k))
		case f.usd < 0:
			col = colOutflw
		}
		v := f.usd / 1e9
		top, bot := y(max(v, 0)), y(min(v, 0))
		c.add(rect{attrs: attrs{class: "etf-bar", tip: fmt.Sprintf("%s %s TOTAL: %+.3f bn USD", f.day.Format(time.DateOnly), f.asset, v)},
			x: x0, y: top, w: x1 - x0, h: max(bot-top, 0.5), fill: col})
	}
	c.add(path{subpaths: [][]pt{{{c.left, y(0)}, {c.right, y(0)}}}, stroke: colZero, width: 1})
	c.frame(y0, y1)
}

// timeAxis writes the time labels under the last panel, which ends at y.
func (c *chart) timeAxis(y float64) {
	var marks [][]pt
	for _, tk := range c.ticks {
		x := math.Round(c.x(tk.t)) + 0.5
		marks = append(marks, []pt{{x, y}, {x, y + 4}})
		w := c.f.measure(tk.label, sizeTick, false)
		lx := min(max(x, w/2+2), c.d.width-w/2-2)
		c.add(text{attrs: attrs{class: "time-tick"}, x: lx, y: y + 16, s: tk.label, size: sizeTick, anchor: anchorMiddle, fill: colMuted})
	}
	c.add(path{subpaths: marks, stroke: colFrame, width: 1})
	c.add(text{attrs: attrs{id: "x-axis-label"}, x: (c.left + c.right) / 2, y: y + 34, s: "event time (UTC), " + c.yearSpan(),
		size: sizeTick, anchor: anchorMiddle, fill: colInk})
}

func (c *chart) yearSpan() string {
	a, b := c.st.start.Year(), c.st.end.Year()
	if a == b {
		return fmt.Sprint(a)
	}
	return fmt.Sprintf("%d–%d", a, b)
}

// stepPoints returns the staircase through (xs[k], ys[k]) for k in keep:
// each value holds until the next kept x, the last one until xEnd.
func stepPoints(xs, ys []float64, keep []int, xEnd float64) []pt {
	pts := make([]pt, 0, 2*len(keep)+1)
	for j, k := range keep {
		if j > 0 {
			pts = append(pts, pt{xs[k], ys[keep[j-1]]})
		}
		pts = append(pts, pt{xs[k], ys[k]})
	}
	pts = append(pts, pt{xEnd, ys[keep[len(keep)-1]]})
	return simplify(pts)
}

// keepM4 picks, in each pixel column, the first, lowest, highest and last
// point, so a line through them looks like the line through all.
func keepM4(xs, ys []float64) []int {
	var keep []int
	for i := 0; i < len(xs); {
		col, j, lo, hi := math.Floor(xs[i]), i, i, i
		for j+1 < len(xs) && math.Floor(xs[j+1]) == col {
			j++
			if ys[j] < ys[lo] {
				lo = j
			}
			if ys[j] > ys[hi] {
				hi = j
			}
		}
		keep = append(keep, sortedInts(i, lo, hi, j)...)
		i = j + 1
	}
	return keep
}

// keepLast picks the last point in each pixel column, and the very first
// point, so a staircase through them starts where the data starts.
func keepLast(xs []float64) []int {
	keep := []int{0}
	for i := range xs {
		if i+1 == len(xs) || math.Floor(xs[i+1]) != math.Floor(xs[i]) {
			keep = append(keep, i)
		}
	}
	return slices.Compact(keep)
}

func sortedInts(v ...int) []int {
	slices.Sort(v)
	return slices.Compact(v)
}

// simplify drops repeated points and the middle of three points on one
// horizontal or vertical run that does not turn back.
func simplify(pts []pt) []pt {
	out := make([]pt, 0, len(pts))
	for _, p := range pts {
		p = pt{round2(p.x), round2(p.y)}
		if n := len(out); n > 0 && out[n-1] == p {
			continue
		}
		if n := len(out); n >= 2 {
			a, b := out[n-2], out[n-1]
			if (a.y == b.y && b.y == p.y && between(a.x, b.x, p.x)) || (a.x == b.x && b.x == p.x && between(a.y, b.y, p.y)) {
				out[n-1] = p
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func between(a, b, c float64) bool { return (a <= b && b <= c) || (a >= b && b >= c) }

// finite returns v, or 0 if v is NaN or infinite, so one bad number cannot
// break a drawing.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func round2(v float64) float64 {
	r := math.Round(v*100) / 100
	if r == 0 {
		return 0 // no -0
	}
	return r
}
