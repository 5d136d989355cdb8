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
// under a header of
//
//   - event_time, stream_seq, index, regime;
//   - <block>_score and <block>_contribution for every block name that occurs
//     in any print, sorted by name;
//   - <component>_raw, <component>_score and <component>_conf (the
//     component's confidence) for every component name that occurs in any
//     print, sorted by name (byte order: A1, A2, B1, …, X1);
//   - triggers and drivers (each joined with "|"), model_version and
//     calibration_hash.
//
// The block and component columns come from the prints themselves, so a
// model version that adds a block or a component adds its columns. A print
// without a block or component leaves its cells empty, and so does a
// component without a raw input for its _raw cell. Times are UTC RFC 3339
// with milliseconds; numbers are the shortest decimal that reads back as the
// same float64. The output is a pure function of prints. It returns
// ErrNoPrints or ErrNilPrint (wrapped) for such input, and the writer's error
// otherwise.
func WriteCSV(w io.Writer, prints []*event.RiskScore) error {
	if err := checkPrints(prints); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	blocks := blockNames(prints)
	header := []string{"event_time", "stream_seq", "index", "regime"}
	for _, b := range blocks {
		header = append(header, b+"_score", b+"_contribution")
	}
	components := componentNames(prints)
	for _, c := range components {
		header = append(header, c+"_raw", c+"_score", c+"_conf")
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
		for _, name := range components {
			if c, ok := findComponent(p, name); ok {
				raw := ""
				if c.Raw != nil {
					raw = formatFloat(*c.Raw)
				}
				row = append(row, raw, formatFloat(c.Score), formatFloat(c.Confidence))
			} else {
				row = append(row, "", "", "")
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
	return allNames(prints, func(p *event.RiskScore) []event.Block { return p.Blocks }, blockName)
}

// componentNames returns every component name in prints, sorted.
func componentNames(prints []*event.RiskScore) []string {
	return allNames(prints, func(p *event.RiskScore) []event.Component { return p.Components }, componentName)
}

// findBlock returns the first block of p called name.
func findBlock(p *event.RiskScore, name string) (event.Block, bool) {
	return byName(p.Blocks, name, blockName)
}

// findComponent returns the first component of p called name.
func findComponent(p *event.RiskScore, name string) (event.Component, bool) {
	return byName(p.Components, name, componentName)
}

func blockName(b event.Block) string         { return b.Name }
func componentName(c event.Component) string { return c.Name }

// allNames returns the name of every item of every print, sorted, each
// once; items picks a print's items and name an item's name.
func allNames[T any](prints []*event.RiskScore, items func(*event.RiskScore) []T, name func(T) string) []string {
	var names []string
	for _, p := range prints {
		for _, it := range items(p) {
			names = append(names, name(it))
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// byName returns the first of items whose name (as nameOf gives it) is
// name, and whether there is one.
func byName[T any](items []T, name string, nameOf func(T) string) (T, bool) {
	if i := slices.IndexFunc(items, func(it T) bool { return nameOf(it) == name }); i >= 0 {
		return items[i], true
	}
	var zero T
	return zero, false
}

// formatFloat writes v as the shortest decimal that parses back to v.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// utc formats t for people: UTC, to the minute.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }
