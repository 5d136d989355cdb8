package fedodds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
)

// csvTable is a CSV body being read: leading spaces trimmed, records of
// any width, the header read.
type csvTable struct {
	format string
	r      *csv.Reader
	header columns
}

// readCSVTable starts reading body as a CSV of format and reads its
// header; what names the header in the error, which wraps feed.ErrBadBody.
func readCSVTable(format, what string, body []byte) (*csvTable, error) {
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, badBody("%s: %s: %v", format, what, err)
	}
	return &csvTable{format: format, r: r, header: header}, nil
}

// rows calls fn for every record after the header, with its line, once it
// has checked that the record reaches column last. It returns fn's first
// error as it is; its own, for a malformed or short record or a header
// with no rows after it, wrap feed.ErrBadBody.
func (t *csvTable) rows(last int, fn func(line int, rec []string) error) error {
	n := 0
	for ; ; n++ {
		rec, err := t.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return badBody("%s: %v", t.format, err)
		}
		// FieldPos only after a successful Read: it panics when the
		// failed Read left no record (found by FuzzZQFutures).
		line, _ := t.r.FieldPos(0)
		if len(rec) <= last {
			return badBody("%s: line %d: %d fields, want at least %d", t.format, line, len(rec), last+1)
		}
		if err := fn(line, rec); err != nil {
			return err
		}
	}
	if n == 0 {
		return badBody("%s: CSV has a header but no rows", t.format)
	}
	return nil
}

// columns maps lowercase, trimmed header names to indexes.
type columns []string

// find returns the index of the first header equal to one of names, or -1.
func (c columns) find(names ...string) int {
	for i, h := range c {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if slices.Contains(names, h) {
			return i
		}
	}
	return -1
}
