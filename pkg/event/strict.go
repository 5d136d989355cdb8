package event

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The sink parses every message it stores, so Parse has a fast path:
// decodeStrict holds a message to its JSON Schema in two quick passes, a
// token scan with jsontext that checks field names, presence, nulls and
// timestamps without decoding values, then one typed decode with the
// github.com/go-json-experiment/json implementation of encoding/json/v2
// (case-sensitive names, unknown members and duplicate names rejected).
// It only answers whether a message is acceptable; when it is not, Parse
// asks the reference path (Decode and checkFields, built on encoding/json)
// for the precise error. FuzzStrictMatchesReference checks that whatever the
// fast path accepts, the reference path accepts with equal values.

// strictOptions are the decoding options of the fast path.
var strictOptions = jsonv2.JoinOptions(
	jsonv2.RejectUnknownMembers(true),
	jsontext.AllowDuplicateNames(false),
	jsontext.AllowInvalidUTF8(false),
)

// errNotStrict marks a message the fast path rejects; Parse never returns
// it, it asks the reference path why.
var errNotStrict = errors.New("not accepted by the strict decoder")

// explainNotStrict says why the fast path refused data that the reference
// path accepts: the first token RFC 8259 forbids (invalid UTF-8, a
// duplicate member name) with its offset, as jsontext reports it; strictErr
// when the JSON is well formed after all.
func explainNotStrict(data []byte, strictErr error) string {
	dec := jsontext.NewDecoder(bytes.NewReader(data),
		jsontext.AllowDuplicateNames(false), jsontext.AllowInvalidUTF8(false))
	for {
		_, err := dec.ReadToken()
		if errors.Is(err, io.EOF) {
			return strictErr.Error()
		}
		if err != nil {
			return strings.TrimPrefix(err.Error(), "jsontext: ")
		}
	}
}

// scanner is a reusable jsontext decoder over an in-memory message.
type scanner struct {
	r   bytes.Reader
	dec *jsontext.Decoder
	buf []byte // unquoted strings with escapes
}

var scanners = sync.Pool{New: func() any {
	s := &scanner{}
	s.dec = jsontext.NewDecoder(&s.r)
	return s
}}

// decodeStrict decodes data into a new event of the kind its schema names,
// or fails with errNotStrict (wrapped) if the message breaks any rule
// checkFields enforces, or any of encoding/json/v2's stricter ones.
// sealedLater allows id and ingested_at to be absent, as DecodeDraft does.
func decodeStrict(data []byte, sealedLater bool) (Event, error) {
	s := scanners.Get().(*scanner)
	defer scanners.Put(s)
	s.r.Reset(data)
	s.dec.Reset(&s.r, strictOptions)

	schema, err := s.findSchema()
	if err != nil {
		return nil, err
	}
	e, err := New(schema)
	if err != nil {
		return nil, errNotStrict
	}
	t := reflect.TypeOf(e).Elem()
	s.r.Reset(data)
	s.dec.Reset(&s.r, strictOptions)
	if err := s.object(t, sealedLater); err != nil {
		return nil, err
	}
	if err := jsonv2.Unmarshal(data, e, strictOptions); err != nil {
		return nil, fmt.Errorf("%w: %w", errNotStrict, err)
	}
	return e, nil
}

// findSchema returns the value of the top-level "schema" member, reading
// no further than it (producers write it first).
func (s *scanner) findSchema() (string, error) {
	if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return "", errNotStrict
	}
	for s.dec.PeekKind() == '"' {
		name, err := s.str()
		if err != nil {
			return "", err
		}
		if string(name) != "schema" {
			if err := s.dec.SkipValue(); err != nil {
				return "", errNotStrict
			}
			continue
		}
		if s.dec.PeekKind() != '"' {
			return "", errNotStrict
		}
		v, err := s.str()
		return string(v), err
	}
	return "", errNotStrict
}

// str reads the next string (a member name or value), unquoted. The result
// is valid until the next read.
func (s *scanner) str() ([]byte, error) {
	raw, err := s.dec.ReadValue()
	if err != nil || len(raw) < 2 || raw[0] != '"' {
		return nil, errNotStrict
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], nil
	}
	s.buf, err = jsontext.AppendUnquote(s.buf[:0], raw)
	if err != nil {
		return nil, errNotStrict
	}
	return s.buf, nil
}

// object scans one JSON object holding a struct of type t: every name is a
// field of t (exactly, case included), every field not omitempty is
// present, null appears only for a required slice, timestamps match
// isTimestamp, and nested structs obey the same rules.
func (s *scanner) object(t reflect.Type, sealedLater bool) error {
	if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return errNotStrict
	}
	fields := cachedFields(t)
	if len(fields) > 64 {
		return errNotStrict // seen holds 64 bits; the reference path copes
	}
	var seen uint64
	for s.dec.PeekKind() == '"' {
		name, err := s.str()
		if err != nil {
			return err
		}
		i := fieldIndex(fields, name)
		if i < 0 {
			return errNotStrict
		}
		seen |= 1 << i
		if err := s.value(&fields[i]); err != nil {
			return err
		}
	}
	if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() != '}' {
		return errNotStrict
	}
	for i := range fields {
		f := &fields[i]
		optional := f.omitEmpty || sealedLater && (f.name == "id" || f.name == "ingested_at")
		if seen&(1<<i) == 0 && !optional {
			return errNotStrict
		}
	}
	return nil
}

// value scans the value of field f.
func (s *scanner) value(f *jsonField) error {
	if s.dec.PeekKind() == 'n' {
		// Marshal writes an empty required list as null; nothing else may be.
		if f.omitEmpty || f.typ.Kind() != reflect.Slice {
			return errNotStrict
		}
		_, err := s.dec.ReadToken()
		return err
	}
	switch f.kind {
	case fieldTime:
		if s.dec.PeekKind() != '"' {
			return errNotStrict
		}
		v, err := s.str()
		if err != nil || !isTimestamp(v) {
			return errNotStrict
		}
		return nil
	case fieldStruct:
		return s.object(f.elem, false)
	case fieldStructSlice:
		if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() != '[' {
			return errNotStrict
		}
		for s.dec.PeekKind() == '{' {
			if err := s.object(f.elem, false); err != nil {
				return err
			}
		}
		if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() != ']' {
			return errNotStrict
		}
		return nil
	}
	if err := s.dec.SkipValue(); err != nil {
		return errNotStrict
	}
	return nil
}

// fieldIndex returns the index of the field named name, or -1.
func fieldIndex(fields []jsonField, name []byte) int {
	for i := range fields {
		if fields[i].name == string(name) {
			return i
		}
	}
	return -1
}

// fieldKind is how the strict scan treats a field's value.
type fieldKind uint8

const (
	fieldOther       fieldKind = iota // skipped; the typed decode checks it
	fieldTime                         // time.Time or *time.Time: a strict RFC 3339 string
	fieldStruct                       // a nested object, scanned recursively
	fieldStructSlice                  // an array of nested objects
)

// classify sets f.kind and f.elem from f.typ.
func (f *jsonField) classify() {
	ft := f.typ
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	switch {
	case ft == reflect.TypeFor[time.Time]():
		f.kind = fieldTime
	case ft.Kind() == reflect.Struct:
		f.kind, f.elem = fieldStruct, ft
	case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
		f.kind, f.elem = fieldStructSlice, ft.Elem()
	}
}
