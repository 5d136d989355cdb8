package history

import "errors"

// ErrUnknownSeries is returned by Lookup for a name that is not an
// embedded series.
var ErrUnknownSeries = errors.New("unknown history series")

// ErrBadFile means an embedded file is not a date,value file as
// data/README.md describes it; it does not happen with the files shipped.
var ErrBadFile = errors.New("bad history file")
