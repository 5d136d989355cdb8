package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Schema names, carried in every message's schema field.
const (
	SchemaJGBYield    = "cw.jgb.yield/v1"
	SchemaFedOdds     = "cw.fed.odds/v1"
	SchemaETFFlow     = "cw.etf.flow/v1"
	SchemaVenueStatus = "cw.venue.status/v1"
	SchemaMarketQuote = "cw.market.quote/v1"
	SchemaRiskScore   = "cw.risk.score/v1"
	SchemaDeadLetter  = "cw.dead_letter/v1"
	// SchemaHeartbeat advances event time (cw.events.heartbeat).
	SchemaHeartbeat = "cw.heartbeat/v1"
	// SchemaRiskComponent is one component's sub-score (cw.risk.component.<name>).
	SchemaRiskComponent = "cw.risk.component/v1"
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

// ValidateContent is e.Validate(now) without the id check: every value is
// checked, but not that id is the digest of source, key and observed_at. It
// is for a consumer of messages that Parse (which checks the id) already
// accepted and that never uses ids itself, such as the risk model, on which
// a second SHA-256 per message would be the largest single cost.
func ValidateContent(e Event, now time.Time) error {
	if c, ok := e.(interface {
		check(now time.Time, withID bool) error
	}); ok {
		return c.check(now, false)
	}
	return e.Validate(now)
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
	case SchemaMarketQuote:
		return &MarketQuote{}, nil
	case SchemaRiskScore:
		return &RiskScore{}, nil
	case SchemaDeadLetter:
		return &DeadLetter{}, nil
	case SchemaHeartbeat:
		return &Heartbeat{}, nil
	case SchemaRiskComponent:
		return &RiskComponent{}, nil
	}
	return nil, invalid("schema", ErrUnknownSchema, "%q", schema)
}

// Schemas lists every schema name this version reads and writes.
func Schemas() []string {
	return []string{SchemaJGBYield, SchemaFedOdds, SchemaETFFlow, SchemaVenueStatus, SchemaMarketQuote, SchemaRiskScore,
		SchemaDeadLetter, SchemaHeartbeat, SchemaRiskComponent}
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

// checkFields enforces on the object in data, already decoded into a value
// of struct type t, what encoding/json lets through and the JSON Schemas
// forbid (Decode stays lenient because producers decode unsealed documents,
// without id or ingested_at, and then Seal them): a key that matches a field only when case is ignored (ErrMalformed),
// an absent field that is not omitempty (ErrMissing), a null (encoding/json
// decodes it as the zero value) except for a required slice, which Marshal
// itself writes as null when empty (ErrMissing if required, else
// ErrBadFormat), and a timestamp that is not strict RFC 3339, such as a
// +24:00 offset, which Marshal cannot write back (ErrBadFormat). It recurses
// into nested structs and slices of structs; path prefixes field names.
func checkFields(data []byte, t reflect.Type, path string, sealedLater bool) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return &ValidationError{Field: strings.TrimSuffix(path, "."), Err: ErrMalformed, Msg: err.Error()}
	}
	fields := cachedFields(t)
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if !slices.ContainsFunc(fields, func(f jsonField) bool { return f.name == k }) {
			return invalid(path+k, ErrMalformed, "unknown field")
		}
	}
	for _, f := range fields {
		name := path + f.name
		raw, ok := obj[f.name]
		switch {
		case !ok && (f.omitEmpty || sealedLater && path == "" && (f.name == "id" || f.name == "ingested_at")):
			continue
		case !ok:
			return invalid(name, ErrMissing, "")
		case bytes.Equal(bytes.TrimSpace(raw), []byte("null")):
			if f.omitEmpty {
				return invalid(name, ErrBadFormat, "null; leave the field out instead")
			}
			if f.typ.Kind() != reflect.Slice {
				return invalid(name, ErrMissing, "null")
			}
			continue
		}
		ft := f.typ
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == reflect.TypeFor[time.Time]():
			var s string
			if err := json.Unmarshal(raw, &s); err != nil || !isTimestamp(s) {
				return invalid(name, ErrBadFormat, "%s is not an RFC 3339 date-time", raw)
			}
		case ft.Kind() == reflect.Struct:
			if err := checkFields(raw, ft, name+".", false); err != nil {
				return err
			}
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return &ValidationError{Field: name, Err: ErrMalformed, Msg: err.Error()}
			}
			for i, item := range items {
				if err := checkFields(item, ft.Elem(), name+"."+strconv.Itoa(i)+".", false); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// jsonField is one field of a struct as encoding/json sees it.
type jsonField struct {
	name      string
	typ       reflect.Type
	omitEmpty bool
	kind      fieldKind    // how decodeStrict scans the value
	elem      reflect.Type // the nested struct type of fieldStruct and fieldStructSlice
}

// fieldCache holds jsonFields per struct type: the reflection walk is done
// once per type, not once per message.
var fieldCache sync.Map // reflect.Type → []jsonField

func cachedFields(t reflect.Type) []jsonField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]jsonField)
	}
	f := jsonFields(t)
	fieldCache.Store(t, f)
	return f
}

// jsonFields lists the JSON fields of struct type t, embedded ones flattened.
func jsonFields(t reflect.Type) []jsonField {
	var fields []jsonField
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if sf.Anonymous && tag == "" {
			fields = append(fields, jsonFields(sf.Type)...)
			continue
		}
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := jsonField{name: name, typ: sf.Type, omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")}
		f.classify()
		fields = append(fields, f)
	}
	return fields
}

// DecodeDraft decodes a message written by hand or by a producer that has
// not sealed it yet, holding it to its JSON Schema as Parse does except that
// id and ingested_at may be absent (Seal fills them in). It does not
// validate values; call Seal, then Validate.
func DecodeDraft(data []byte) (Event, error) {
	if e, err := decodeStrict(data, true); err == nil {
		return e, nil
	}
	return decodeDraftReference(data)
}

// decodeDraftReference is DecodeDraft on encoding/json: slower, and precise
// about what is wrong.
func decodeDraftReference(data []byte) (Event, error) {
	e, err := Decode(data)
	if err != nil {
		return nil, err
	}
	if err := checkFields(data, reflect.TypeOf(e).Elem(), "", true); err != nil {
		return nil, err
	}
	return e, nil
}

// Parse decodes and validates one message at time now, holding it to its
// JSON Schema where Decode is lenient: field names are case-sensitive, every
// field not tagged omitempty is present, null stands only for an empty list,
// and timestamps are RFC 3339. The error is a *ValidationError wrapping one
// of the package's sentinel errors.
func Parse(data []byte, now time.Time) (Event, error) {
	e, strictErr := decodeStrict(data, false)
	if strictErr != nil {
		if _, err := decodeReference(data); err != nil {
			return nil, err
		}
		// Accepted by encoding/json but not by the strict decoder: a
		// duplicate name or invalid UTF-8, which JSON forbids.
		return nil, &ValidationError{Err: ErrMalformed, Msg: explainNotStrict(data, strictErr)}
	}
	if err := e.Validate(now); err != nil {
		return nil, err
	}
	return e, nil
}

// decodeReference is Parse's decoding on encoding/json: Decode, then
// checkFields. It is slower than decodeStrict and says precisely what is
// wrong with a message.
func decodeReference(data []byte) (Event, error) {
	e, err := Decode(data)
	if err != nil {
		return nil, err
	}
	if err := checkFields(data, reflect.TypeOf(e).Elem(), "", false); err != nil {
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

// matches checks a required string: ErrMissing when it is empty,
// ErrBadFormat ("<v> <rule>") when ok rejects it.
func matches(field, v string, ok func(string) bool, rule string) error {
	if v == "" {
		return invalid(field, ErrMissing, "")
	}
	if !ok(v) {
		return invalid(field, ErrBadFormat, "%q %s", v, rule)
	}
	return nil
}

// token checks a value used as a subject token: no dots, wildcards or spaces.
func token(field, v string) error {
	return matches(field, v, isToken, "must be 1-64 of [A-Za-z0-9_-]")
}

// date checks a calendar date written YYYY-MM-DD.
func date(field, v string) error {
	if err := matches(field, v, isDate, "is not YYYY-MM-DD"); err != nil {
		return err
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

// positive checks that v is finite and above zero.
func positive(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return invalid(field, ErrNotFinite, "%v", v)
	}
	if v <= 0 {
		return invalid(field, ErrOutOfRange, "%v is not above 0", v)
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
