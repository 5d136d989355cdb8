// Package backtest writes what a replay of the CLRI model produced: every
// print as CSV ([WriteCSV]) and a chart that tells the story at a glance
// ([RenderSVG], [RenderPNG], [RenderHTML], or [Render] by file extension).
//
// The chart stacks panels on one time axis: the index over its regime bands
// with the regime as a coloured strip, the block contributions stacked, the
// active spans of each trigger, and the inputs as small multiples (JGB 2Y and
// 10Y yields, the Fed's expected change at the next meeting, ETF TOTAL flows,
// venue incidents). SVG and PNG come from one drawing, so they agree; the
// PNG is rasterised with golang.org/x/image/vector and the Go fonts, and
// carries under the chart, as text, the tables the HTML page has: regime
// changes and trigger episodes. Input lines that were not valid events
// ([RejectedLine]) are counted on every chart and listed on the HTML page.
// Every output is a pure function of its input: same prints, inputs and
// options, same bytes.
//
// # Why the drawing is this package's own
//
// The layout, ticks, SVG writer and rasteriser glue (chart.go, drawing.go,
// svg.go, png.go, ticks.go, tables.go: 1583 lines) are written here on
// golang.org/x/image's vector rasteriser and Go fonts. gonum.org/v1/plot
// v0.17.0 does not draw this chart as readably. Drawn with it (one plot.Plot
// per panel on one vgimg canvas, 439 lines for the PNG alone), the nov-2025
// chart lost what makes it readable at a glance:
//   - each plot fits its title and axes inside its own box, so the panels no
//     longer share one time axis (the band labels narrow the index panel
//     alone), and a short panel gives its whole height to them: the venue
//     lane, with the CME halt of 28 Nov, was not drawn at all;
//   - legends sit inside the plot area, one entry per line, over the
//     contribution stacks and the ETF bars, instead of beside each heading;
//   - its time ticks fell on 1 Nov, 24 Nov and 17 Dec (round Unix seconds),
//     so ticks.go had to be plugged in as its Ticker anyway, and the tables
//     under the chart still had to be laid out by hand;
//   - its SVG (vgsvg) has no ids, classes or <title> tooltips, which the HTML
//     page's hover text and the tests read.
//
// What it would have replaced is the rasteriser glue and stroke outlining of
// png.go (187 lines), for seven more modules (plot, gg, freetype at its 2017
// commit, the Liberation fonts, go-latex, svgo, fpdf) and 7 MB more in the
// carrywatch binary. Its PNG bytes were deterministic, so that was not what
// decided it.
package backtest
