package feedtext

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// JSONBody says what a JSON body must hold and how to decode it.
type JSONBody struct {
	// Arrays lets the body be a JSON array as well as an object.
	Arrays bool
	// UseNumber decodes numbers held in an interface value as json.Number.
	UseNumber bool
	// TypeError words a value of the wrong JSON type.
	TypeError func(*json.UnmarshalTypeError) string
}

// Decode decodes body, white space trimmed, into v. The error, for a body
// that is not one JSON value of the kinds j takes, says what the body
// looked like: empty, HTML, binary, truncated, invalid, of the wrong type,
// or followed by more data.
func (j JSONBody) Decode(body []byte, v any) error {
	want, value := "object", "object"
	if j.Arrays {
		want, value = "object or array", "value"
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return ErrEmpty
	}
	switch trimmed[0] {
	case '{':
	case '[':
		if !j.Arrays {
			return fmt.Errorf("not a JSON %s: %s", want, Snippet(trimmed))
		}
	case '<':
		return fmt.Errorf("looks like HTML or XML, not JSON: %s", Snippet(trimmed))
	default:
		if !utf8.Valid(trimmed) {
			return fmt.Errorf("binary data, not JSON: %s", Snippet(trimmed))
		}
		return fmt.Errorf("not a JSON %s: %s", want, Snippet(trimmed))
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if j.UseNumber {
		dec.UseNumber()
	}
	if err := dec.Decode(v); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("truncated JSON: the body ends inside a value after %d bytes", len(trimmed))
		case errors.As(err, &syntax):
			return fmt.Errorf("invalid JSON at byte %d: %v", syntax.Offset, err)
		case errors.As(err, &typ) && j.TypeError != nil:
			return errors.New(j.TypeError(typ))
		}
		return fmt.Errorf("decode JSON: %v", err)
	}
	if off := dec.InputOffset(); off < int64(len(trimmed)) {
		return fmt.Errorf("trailing data after the JSON %s at byte %d: %s", value, off, Snippet(trimmed[off:]))
	}
	return nil
}

// Snippet quotes the first 40 bytes of a body for an error message.
func Snippet(b []byte) string {
	const maxLen = 40
	if len(b) > maxLen {
		return strconv.Quote(string(b[:maxLen])) + "…"
	}
	return strconv.Quote(string(b))
}
