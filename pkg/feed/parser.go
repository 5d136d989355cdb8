package feed

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// ErrBadBody means a fetched body is not what its format promises: garbage,
// truncated, an HTML error page, a missing header. The loop records such a
// body on cw.dlq.ingest with the reason and carries on.
var ErrBadBody = errors.New("bad body")

// ErrBadParam means a format was configured with a missing or invalid
// parameter.
var ErrBadParam = errors.New("bad format parameter")

// Observations is what a parser found in one body.
type Observations struct {
	// Events are unsealed: Source, ObservedAt and the kind's fields are set,
	// id and ingested_at are left to event.Seal.
	Events []event.Event
	// Warnings are problems that did not stop the parse, e.g. a Farside row
	// whose funds do not add up to its Total. The loop logs and counts them.
	Warnings []string
}

// Parser turns one fetched body into observations. It is pure: no I/O, and
// no clock but now (the fetch time, for sources whose bodies carry none).
// A body that is not of the format returns an error wrapping ErrBadBody.
type Parser func(body []byte, now time.Time) (Observations, error)

// CheckSource returns an error naming source unless it is a valid event
// source (event.ValidSource). The error does not wrap ErrBadParam: the
// format that reads the parameter does, with its name.
func CheckSource(source string) error {
	if event.ValidSource(source) {
		return nil
	}
	return fmt.Errorf("source %q must be 1-64 of lowercase [a-z0-9_.-], starting with a letter or digit", source)
}

// ValidateSealed seals a copy of e at now and validates it, so that a
// parser can hold back what the loop could not publish while returning e
// itself unsealed. The error is Validate's.
func ValidateSealed[E any, P interface {
	*E
	event.Event
}](e P, now time.Time) error {
	c := *e
	event.Seal(P(&c), now)
	return P(&c).Validate(now)
}

// Format is a named parser, selectable as `carrywatch feed parse --format`.
type Format struct {
	// Name is the format's flag value, e.g. "mof-jgb".
	Name string
	// Doc says what bodies it reads and which Params it takes.
	Doc string
	// New returns the parser for params (from --param key=value); unknown
	// or invalid params return an error wrapping ErrBadParam.
	New func(params map[string]string) (Parser, error)
}

// Lookup returns the format called name among fs.
func Lookup(fs []Format, name string) (Format, error) {
	for _, f := range fs {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("%w: unknown format %q (known: %v)", ErrBadParam, name, FormatNames(fs))
}

// FormatNames lists the names of fs, sorted.
func FormatNames(fs []Format) []string {
	names := make([]string, 0, len(fs))
	for _, f := range fs {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	return names
}
