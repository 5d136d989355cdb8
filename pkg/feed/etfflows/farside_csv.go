package etfflows

import (
	"strconv"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// NewFarsideCSV returns the parser of a Farside flow table saved as UTF-8
// CSV, as scrapers store it: a header row "Date,IBIT,…,Total" (fee and
// issuer rows above it are allowed and skipped), then one row per day
// (dates like 05 Aug 2024, US$ millions, "(x)" negative, "1,045.0" quoted,
// "-" no data), footer rows skipped. It reads the rows exactly as
// NewFarsideHTML reads the page's table, with the same params and errors;
// in addition, a body that is not UTF-8 CSV, or whose quoting is broken, is
// a bad body.
func NewFarsideCSV(params map[string]string) (feed.Parser, error) {
	return formatParser(FormatFarsideCSV, SourceFarside, params, parseFarsideCSV)
}

func parseFarsideCSV(c *collector, body []byte) error {
	records, err := readCSV(body, -1)
	if err != nil {
		return err
	}
	rows := make([]farsideRow, 0, len(records))
	for _, r := range records {
		cells := make([]string, len(r.fields))
		for i, f := range r.fields {
			cells[i] = collapse(f)
		}
		rows = append(rows, farsideRow{where: "line " + strconv.Itoa(r.line), cells: cells})
	}
	return parseFarside(c, rows)
}
