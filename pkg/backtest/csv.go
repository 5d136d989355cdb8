package backtest

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// timeLayout is RFC 3339 with milliseconds, the precision of event times.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// WriteCSV writes prints to w as CSV, one row per print in the order given,
// under a header of event_time, stream_seq, index, regime, then
// <block>_score and <block>_contribution for every block name that occurs in
// any print (sorted by name; a print without that block leaves both cells
// empty), then triggers and drivers (each joined with "|"), model_version and
// calibration_hash. Times are UTC RFC 3339 with milliseconds; numbers are the
// shortest decimal that reads back as the same float64. The output is a pure
// function of prints. It returns ErrNoPrints or ErrNilPrint (wrapped) for
// such input, and the writer's error otherwise.
func WriteCSV(w io.Writer, prints []*event.RiskScore) error {
	if err := checkPrints(prints); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	blocks := blockNames(prints)
	header := []string{"event_time", "stream_seq", "index", "regime"}
	for _, b := range blocks {
		header = append(header, b+"_score", b+"_contribution")
	}
	header = append(header, "triggers", "drivers", "model_version", "calibration_hash")

	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	row := make([]string, 0, len(header))
	for _, p := range prints {
		row = append(row[:0],
			p.Watermark.EventTime.UTC().Format(timeLayout),
			strconv.FormatUint(p.Watermark.StreamSeq, 10),
			formatFloat(p.Index),
			p.Regime,
		)
		for _, name := range blocks {
			if b, ok := findBlock(p, name); ok {
				row = append(row, formatFloat(b.Score), formatFloat(b.Contribution))
			} else {
				row = append(row, "", "")
			}
		}
		row = append(row,
			strings.Join(p.Triggers, "|"),
			strings.Join(p.Drivers, "|"),
			p.ModelVersion,
			p.CalibrationHash,
		)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv row %d: %w", p.Watermark.StreamSeq, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// checkPrints rejects an empty slice and nil prints.
func checkPrints(prints []*event.RiskScore) error {
	if len(prints) == 0 {
		return ErrNoPrints
	}
	if i := slices.Index(prints, nil); i >= 0 {
		return fmt.Errorf("%w at position %d", ErrNilPrint, i)
	}
	return nil
}

// blockNames returns every block name in prints, sorted.
func blockNames(prints []*event.RiskScore) []string {
	var names []string
	for _, p := range prints {
		for _, b := range p.Blocks {
			names = append(names, b.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// findBlock returns the first block of p called name.
func findBlock(p *event.RiskScore, name string) (event.Block, bool) {
	for _, b := range p.Blocks {
		if b.Name == name {
			return b, true
		}
	}
	return event.Block{}, false
}

// formatFloat writes v as the shortest decimal that parses back to v.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// utc formats t for people: UTC, to the minute.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }
