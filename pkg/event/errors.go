package event

import (
	"errors"
	"fmt"
)

// Sentinel errors. A [*ValidationError] wraps exactly one of them, so callers
// can branch with errors.Is and report the field with errors.As.
var (
	// ErrMalformed means the bytes are not a JSON object of a known shape.
	ErrMalformed = errors.New("malformed message")
	// ErrUnknownSchema means the schema field names no message kind this
	// version knows.
	ErrUnknownSchema = errors.New("unknown schema")
	// ErrMissing means a required field is absent or empty.
	ErrMissing = errors.New("missing required field")
	// ErrNotFinite means a number is NaN or ±Inf.
	ErrNotFinite = errors.New("number is not finite")
	// ErrOutOfRange means a number or time lies outside its documented range.
	ErrOutOfRange = errors.New("value out of range")
	// ErrBadFormat means a string does not have its documented form.
	ErrBadFormat = errors.New("bad format")
	// ErrFutureTime means a timestamp lies further in the future than the
	// allowed clock skew.
	ErrFutureTime = errors.New("timestamp too far in the future")
	// ErrBadID means the id is not the one derived from source, key and
	// observation time.
	ErrBadID = errors.New("id does not match source, key and observed_at")
	// ErrBadSubject means a message arrived on a subject other than its own
	// (see Event.Subject): another kind's, or its kind's with another key,
	// such as a 10Y yield on cw.events.jgb.yield.2Y.
	ErrBadSubject = errors.New("subject does not match the message")
	// ErrMaxDeliveries means a consumer gave up on a message it was
	// delivered the most times it allows without storing it.
	ErrMaxDeliveries = errors.New("delivered the most times allowed without being stored")
)

// ValidationError says which field of a message broke which rule.
type ValidationError struct {
	Field string // JSON name of the offending field, dotted for nested ones
	Err   error  // one of the sentinel errors above
	Msg   string // what was found, for humans
}

func (e *ValidationError) Error() string {
	s := e.Err.Error()
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

// Unwrap returns the sentinel error.
func (e *ValidationError) Unwrap() error { return e.Err }

// Code returns a short stable name for the rule that was broken, used as the
// dead-letter code.
func Code(err error) string {
	for _, c := range []struct {
		err  error
		code string
	}{
		// First: it wraps the last failure, which may wrap another sentinel.
		{ErrMaxDeliveries, "max_deliveries"},
		{ErrMalformed, "malformed"},
		{ErrUnknownSchema, "unknown_schema"},
		{ErrMissing, "missing"},
		{ErrNotFinite, "not_finite"},
		{ErrOutOfRange, "out_of_range"},
		{ErrBadFormat, "bad_format"},
		{ErrFutureTime, "future_time"},
		{ErrBadID, "bad_id"},
		{ErrBadSubject, "bad_subject"},
	} {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "error"
}

func invalid(field string, err error, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Err: err, Msg: fmt.Sprintf(format, args...)}
}

// at sets the field of a *ValidationError to name and returns it; other
// errors are returned as they are.
func at(err error, name string) error {
	if ve, ok := err.(*ValidationError); ok {
		ve.Field = name
	}
	return err
}
