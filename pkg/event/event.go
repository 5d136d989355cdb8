package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"time"
)

// Schema names, carried in every message's schema field.
const (
	SchemaJGBYield    = "cw.jgb.yield/v1"
	SchemaFedOdds     = "cw.fed.odds/v1"
	SchemaETFFlow     = "cw.etf.flow/v1"
	SchemaVenueStatus = "cw.venue.status/v1"
	SchemaRiskScore   = "cw.risk.score/v1"
	SchemaDeadLetter  = "cw.dead_letter/v1"
)

// Event is any carrywatch message.
type Event interface {
	// Header returns the common fields.
	Header() *Meta
	// SchemaName returns the schema this kind is written in.
	SchemaName() string
	// Key returns the part of the identity that is not source or time.
	Key() string
	// Subject returns the NATS subject the message is published on.
	Subject() string
	// Validate returns a *ValidationError for the first broken rule, nil if
	// the message is valid at time now.
	Validate(now time.Time) error
}

// Seal fills in what a producer must not get wrong by hand: the schema name,
// UTC millisecond timestamps, ingested_at (now, if unset) and the id.
func Seal(e Event, now time.Time) {
	m := e.Header()
	m.Schema = e.SchemaName()
	m.normalize(Millis(now))
	m.ID = NewID(m.Source, e.Key(), m.ObservedAt)
}

// New returns an empty message of the given schema.
func New(schema string) (Event, error) {
	switch schema {
	case SchemaJGBYield:
		return &JGBYield{}, nil
	case SchemaFedOdds:
		return &FedOdds{}, nil
	case SchemaETFFlow:
		return &ETFFlow{}, nil
	case SchemaVenueStatus:
		return &VenueStatus{}, nil
	case SchemaRiskScore:
		return &RiskScore{}, nil
	case SchemaDeadLetter:
		return &DeadLetter{}, nil
	}
	return nil, invalid("schema", ErrUnknownSchema, "%q", schema)
}

// Schemas lists every schema name this version reads and writes.
func Schemas() []string {
	return []string{SchemaJGBYield, SchemaFedOdds, SchemaETFFlow, SchemaVenueStatus, SchemaRiskScore, SchemaDeadLetter}
}

// Decode parses one JSON message of any known kind. It rejects unknown
// fields and trailing data; it does not validate values (see Parse).
// Errors wrap ErrMalformed or ErrUnknownSchema.
func Decode(data []byte) (Event, error) {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, &ValidationError{Err: ErrMalformed, Msg: err.Error()}
	}
	if head.Schema == "" {
		return nil, invalid("schema", ErrMissing, "")
	}
	e, err := New(head.Schema)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(e); err != nil {
		return nil, &ValidationError{Err: ErrMalformed, Msg: err.Error()}
	}
	if dec.More() {
		return nil, &ValidationError{Err: ErrMalformed, Msg: "trailing data after the JSON object"}
	}
	return e, nil
}

// Parse decodes and validates one message at time now. The error is a
// *ValidationError wrapping one of the package's sentinel errors.
func Parse(data []byte, now time.Time) (Event, error) {
	e, err := Decode(data)
	if err != nil {
		return nil, err
	}
	if err := e.Validate(now); err != nil {
		return nil, err
	}
	return e, nil
}

// Marshal encodes a message as JSON.
func Marshal(e Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", e.SchemaName(), err)
	}
	return b, nil
}

var (
	reToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	reDate  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// token checks a value used as a subject token: no dots, wildcards or spaces.
func token(field, v string) error {
	if v == "" {
		return invalid(field, ErrMissing, "")
	}
	if !reToken.MatchString(v) {
		return invalid(field, ErrBadFormat, "%q must be 1-64 of [A-Za-z0-9_-]", v)
	}
	return nil
}

// date checks a calendar date written YYYY-MM-DD.
func date(field, v string) error {
	if v == "" {
		return invalid(field, ErrMissing, "")
	}
	if !reDate.MatchString(v) {
		return invalid(field, ErrBadFormat, "%q is not YYYY-MM-DD", v)
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return invalid(field, ErrBadFormat, "%q is not a calendar date", v)
	}
	return nil
}

// number checks that v is finite and within [lo, hi].
func number(field string, v, lo, hi float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return invalid(field, ErrNotFinite, "%v", v)
	}
	if v < lo || v > hi {
		return invalid(field, ErrOutOfRange, "%v is outside [%v, %v]", v, lo, hi)
	}
	return nil
}

// oneOf checks that v is one of the allowed words.
func oneOf(field, v string, allowed ...string) error {
	if v == "" {
		return invalid(field, ErrMissing, "")
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalid(field, ErrBadFormat, "%q is not one of %v", v, allowed)
}
