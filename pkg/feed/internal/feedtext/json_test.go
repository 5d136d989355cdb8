package feedtext

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestJSONBodyDecode(t *testing.T) {
	typeErr := func(typ *json.UnmarshalTypeError) string { return "field " + typ.Field + " is a JSON " + typ.Value }
	object := JSONBody{TypeError: typeErr}
	either := JSONBody{Arrays: true, UseNumber: true, TypeError: typeErr}
	tests := []struct {
		name    string
		j       JSONBody
		body    string
		wantErr string
	}{
		{name: "object", j: object, body: ` {"a": 1} `},
		{name: "array where arrays are taken", j: either, body: `[1, 2]`},
		{name: "empty", j: object, body: " \n", wantErr: "empty body"},
		{name: "array where only objects are", j: object, body: `[1]`, wantErr: `not a JSON object: "[1]"`},
		{name: "html", j: either, body: `<html>`, wantErr: `looks like HTML or XML, not JSON: "<html>"`},
		{name: "binary", j: either, body: "\xff\xfe", wantErr: `binary data, not JSON: "\xff\xfe"`},
		{name: "text", j: either, body: `ok`, wantErr: `not a JSON object or array: "ok"`},
		{name: "truncated", j: object, body: `{"a": `, wantErr: "truncated JSON: the body ends inside a value after 5 bytes"},
		{name: "invalid", j: object, body: `{"a" 1}`, wantErr: "invalid JSON at byte 6: invalid character '1' after object key"},
		{name: "wrong type", j: object, body: `{"a": "x"}`, wantErr: "field a is a JSON string"},
		{name: "trailing object", j: object, body: `{} {}`, wantErr: `trailing data after the JSON object at byte 2: " {}"`},
		{name: "trailing value", j: either, body: `[] x`, wantErr: `trailing data after the JSON value at byte 2: " x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any = &struct {
				A int `json:"a"`
			}{}
			if tt.j.Arrays {
				v = new(any)
			}
			err := tt.j.Decode([]byte(tt.body), v)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestSnippet(t *testing.T) {
	assert.Equal(t, `"short"`, Snippet([]byte("short")))
	assert.Equal(t, `"0123456789012345678901234567890123456789"…`, Snippet([]byte("0123456789012345678901234567890123456789x")))
}
