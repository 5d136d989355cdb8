package backtest

import (
	"fmt"
	"image/color"
)

// The tables the PNG carries under its chart, in pixels.
const (
	tableTop      = 8  // from the chart's bottom edge to the first table
	tableHeadingH = 36 // a table's title row, with the space above it
	tableRowH     = 18 // the column heads and each row
	tableBottom   = 20 // under the last table
	tableMargin   = 16 // left and right
	tableColGap   = 18 // between columns
	badgePad      = 4  // on either side of a regime badge's text
	sizeTableHead = 14
	// maxTableRows is the most rows a table in the PNG shows; a line under
	// them counts the rest, which the HTML page lists.
	maxTableRows = 40
)

var colRule = rgb(0xe4e4e4)

// table is a table drawn as text: a title, column heads and rows.
type table struct {
	id, title string
	cols      []tableCol
	rows      [][]tableCell
	empty     string // the line shown instead of rows when there are none
}

type tableCol struct {
	head string
	num  bool // right-aligned
}

// tableCell is one cell; a cell with a regime is drawn on a badge in that
// regime's colours, as the HTML page does.
type tableCell struct {
	s      string
	regime *regimeStyle
}

// storyTables are the tables of the HTML page, for the PNG: regime changes,
// then trigger episodes.
func storyTables(st *story) []table {
	badge := func(regime, class string) tableCell {
		if class == "r-none" { // the first print has no regime before it
			return tableCell{s: regime}
		}
		r := regimeOf(regime)
		return tableCell{s: regime, regime: &r}
	}
	changes := table{id: "regime-changes", title: "Regime changes", cols: []tableCol{
		{head: "event time (UTC)"}, {head: "stream seq", num: true}, {head: "from"}, {head: "to"},
		{head: "index", num: true}, {head: "active triggers"},
	}}
	for _, r := range changeRows(st) {
		changes.rows = append(changes.rows, []tableCell{{s: r.At}, {s: r.Seq}, badge(r.From, r.FromClass),
			badge(r.To, r.ToClass), {s: r.Index}, {s: r.Triggers}})
	}
	episodes := table{id: "trigger-episodes", title: "Trigger episodes", empty: "no trigger fired in the period", cols: []tableCol{
		{head: "trigger"}, {head: "from (UTC)"}, {head: "to (UTC)"}, {head: "duration"},
		{head: "prints", num: true}, {head: "peak index", num: true},
	}}
	for _, r := range episodeRows(st) {
		episodes.rows = append(episodes.rows, []tableCell{{s: r.Trigger}, {s: r.From}, {s: r.To}, {s: r.Duration},
			{s: r.Prints}, {s: r.Peak}})
	}
	return []table{changes, episodes}
}

// appendTables draws tables one under the other below what d holds, and
// makes d tall enough for them. Columns are as wide as their widest cell,
// but the last one ends at the right margin and cuts longer text with an
// ellipsis. A table shows at most maxTableRows rows. Every table has at
// least one column.
func appendTables(d *drawing, f *faces, tables []table) {
	top := d.height
	bg := len(d.items)
	d.items = append(d.items, rect{}) // the background, sized once the height is known
	add := func(it ...item) { d.items = append(d.items, it...) }
	right := d.width - tableMargin
	y := top + tableTop
	for _, t := range tables {
		add(group{attrs{id: "table-" + t.id}})
		y += tableHeadingH
		add(text{attrs: attrs{class: "table-title"}, x: tableMargin, y: y - 10, s: t.title, size: sizeTableHead, bold: true, fill: colInk})

		rows := t.rows[:min(len(t.rows), maxTableRows)]
		xs := make([]float64, len(t.cols)) // left edge of each column
		ws := make([]float64, len(t.cols)) // width of each column
		x := float64(tableMargin)
		for i, c := range t.cols {
			w := f.measure(c.head, sizeTick, true)
			for _, r := range rows {
				cw := f.measure(r[i].s, sizeTick, r[i].regime != nil)
				if r[i].regime != nil {
					cw += 2 * badgePad
				}
				w = max(w, cw)
			}
			xs[i], ws[i] = x, w
			x += w + tableColGap
		}
		n := len(t.cols) - 1
		ws[n] = max(0, min(ws[n], right-xs[n]))
		end := xs[n] + ws[n] // the table's right edge

		rule := func(y float64) { add(rect{x: tableMargin, y: y - 1, w: end - tableMargin, h: 1, fill: colRule}) }
		line := func(y float64, i int, s string, bold bool, fill color.NRGBA) {
			s = f.fit(s, sizeTick, bold, ws[i])
			if t.cols[i].num {
				add(text{x: xs[i] + ws[i], y: y + 13, s: s, size: sizeTick, bold: bold, anchor: anchorEnd, fill: fill})
				return
			}
			add(text{x: xs[i], y: y + 13, s: s, size: sizeTick, bold: bold, fill: fill})
		}
		for i, c := range t.cols {
			line(y, i, c.head, true, colMuted)
		}
		y += tableRowH
		rule(y)
		for _, r := range rows {
			for i, c := range r {
				if c.regime == nil {
					line(y, i, c.s, false, colInk)
					continue
				}
				w := f.measure(c.s, sizeTick, true) + 2*badgePad
				add(rect{x: xs[i], y: y + 2, w: w, h: tableRowH - 4, fill: c.regime.strong},
					text{x: xs[i] + badgePad, y: y + 13, s: c.s, size: sizeTick, bold: true, fill: c.regime.onStrong})
			}
			y += tableRowH
			rule(y)
		}
		switch {
		case len(t.rows) == 0 && t.empty != "":
			add(text{x: tableMargin, y: y + 13, s: t.empty, size: sizeTick, fill: colMuted})
			y += tableRowH
		case len(t.rows) > len(rows):
			more := fmt.Sprintf("… %d more, not shown here; the HTML report lists every one", len(t.rows)-len(rows))
			add(text{x: tableMargin, y: y + 13, s: f.fit(more, sizeTick, false, right-tableMargin), size: sizeTick, fill: colMuted})
			y += tableRowH
		}
		add(groupEnd{})
	}
	d.height = y + tableBottom
	d.items[bg] = rect{x: 0, y: top, w: d.width, h: d.height - top, fill: colWhite}
}
