package backtest

import "errors"

var (
	// ErrNoPrints means there is nothing to write or draw: the prints slice
	// is empty.
	ErrNoPrints = errors.New("no prints")
	// ErrNilPrint means the prints slice holds a nil print.
	ErrNilPrint = errors.New("nil print")
	// ErrBadOptions means an Options field is out of range.
	ErrBadOptions = errors.New("bad chart options")
	// ErrUnknownFormat means Render was given a file extension it does not
	// write; it writes .svg, .png and .html.
	ErrUnknownFormat = errors.New("unknown chart format")
)
