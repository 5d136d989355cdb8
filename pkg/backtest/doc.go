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
package backtest
