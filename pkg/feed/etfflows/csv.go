package etfflows

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// csvRecord is one CSV record and the line it starts on.
type csvRecord struct {
	line   int
	fields []string
}

// readCSV reads a whole UTF-8 CSV body (a leading byte-order mark is
// dropped). fieldsPerRecord is as for csv.Reader: -1 lets rows vary, 0 holds
// every row to the first one's width. Errors name the line.
func readCSV(body []byte, fieldsPerRecord int) ([]csvRecord, error) {
	body, err := feedtext.Text(body)
	if errors.Is(err, feedtext.ErrNotUTF8) {
		return nil, fmt.Errorf("%w (binary data?)", err)
	}
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = fieldsPerRecord
	var out []csvRecord
	for {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			if len(out) == 0 {
				return nil, errors.New("no rows")
			}
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, fmt.Errorf("line %d: %d fields but the header has %d: truncated?", pe.StartLine, len(fields), len(out[0].fields))
			}
			return nil, fmt.Errorf("not CSV: %w", err)
		}
		line, _ := r.FieldPos(0)
		out = append(out, csvRecord{line: line, fields: fields})
	}
}
