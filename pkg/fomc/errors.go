package fomc

import "errors"

// ErrNotCovered means a date lies in a year the shipped FOMC calendar does
// not list, so whether a meeting falls in a month cannot be told.
var ErrNotCovered = errors.New("date not covered by the shipped FOMC calendar")

// ErrUnknownRange means the federal funds target range in force on a date
// cannot be told from the shipped history: the date is before the history
// starts, or a scheduled meeting whose decision is not recorded has been
// held by then. Pass the range explicitly (effr, target_upper) instead.
var ErrUnknownRange = errors.New("target range unknown on that date")
