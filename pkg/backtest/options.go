package backtest

import (
	"cmp"
	"fmt"
)

// Chart size limits and defaults, in pixels (SVG user units).
const (
	DefaultWidth  = 1280
	DefaultHeight = 1040
	MinWidth      = 640
	MinHeight     = 640
	MaxWidth      = 8000
	MaxHeight     = 8000
	// DefaultTitle heads a chart whose Options have no title.
	DefaultTitle = "CLRI backtest"
)

// Options tunes a chart. The zero value draws a DefaultWidth × DefaultHeight
// chart titled DefaultTitle.
type Options struct {
	// Title heads the chart and names the HTML page.
	Title string
	// Width and Height are the chart's size in pixels; 0 takes the default.
	// The PNG adds its tables below the chart (see RenderPNG).
	Width, Height int
	// Rejected are the input lines that were not valid events. The chart's
	// subtitle counts them, and the HTML page lists every one.
	Rejected []RejectedLine
	// Thresholds are the entry levels of watch, elevated and stress, where
	// the regime bands are drawn: those of the calibration that scored the
	// prints. Zero takes the embedded calibration of the last print's
	// model version.
	Thresholds [3]float64
}

// Validate returns an error wrapping ErrBadOptions if Width or Height is
// set and outside [MinWidth, MaxWidth] or [MinHeight, MaxHeight].
func (o Options) Validate() error {
	if o.Width != 0 && (o.Width < MinWidth || o.Width > MaxWidth) {
		return fmt.Errorf("%w: width %d not in [%d, %d]", ErrBadOptions, o.Width, MinWidth, MaxWidth)
	}
	if o.Height != 0 && (o.Height < MinHeight || o.Height > MaxHeight) {
		return fmt.Errorf("%w: height %d not in [%d, %d]", ErrBadOptions, o.Height, MinHeight, MaxHeight)
	}
	return nil
}

// withDefaults fills in the zero fields.
func (o Options) withDefaults() Options {
	o.Title = cmp.Or(o.Title, DefaultTitle)
	o.Width = cmp.Or(o.Width, DefaultWidth)
	o.Height = cmp.Or(o.Height, DefaultHeight)
	return o
}
