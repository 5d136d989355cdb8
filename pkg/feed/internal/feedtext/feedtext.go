// Package feedtext holds the checks the feed parsers make on the raw text
// of a body and of its cells: a byte-order mark dropped, an empty or
// non-UTF-8 body refused, a cell held to a plain decimal, a long value
// clipped for an error message. It is pure and has no state.
package feedtext

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

var (
	// ErrEmpty is returned for a body that holds nothing but white space
	// (after a byte-order mark).
	ErrEmpty = errors.New("empty body")
	// ErrNotUTF8 is returned for a body that is not valid UTF-8 text.
	ErrNotUTF8 = errors.New("not UTF-8 text")
)

// bom is the UTF-8 byte-order mark some spreadsheet exports start with.
var bom = []byte("\ufeff")

// Trim returns body without a leading byte-order mark. It returns ErrEmpty
// when nothing but white space is left.
func Trim(body []byte) ([]byte, error) {
	body = bytes.TrimPrefix(body, bom)
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ErrEmpty
	}
	return body, nil
}

// Text is Trim for a body that must be UTF-8 text: it also returns
// ErrNotUTF8 for one that is not.
func Text(body []byte) ([]byte, error) {
	body, err := Trim(body)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(body) {
		return nil, ErrNotUTF8
	}
	return body, nil
}

// IsDecimal reports whether s is a plain decimal number as the sources
// write them (1.881, 2, -0.156, .5): an optional sign, digits and at most
// one decimal point, with at least one digit. It keeps out what
// strconv.ParseFloat would also take: NaN, Inf, hex floats, exponents,
// underscores. A loop, not a regexp: a history file has hundreds of
// thousands of cells.
func IsDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// Clip returns s cut to at most n runes, marked with … when cut, for an
// error message.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
