package etfflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// The columns of a plain ETF flow CSV, matched by header name.
const (
	colDate     = "date"
	colTicker   = "ticker"
	colFlowUSD  = "flow_usd"
	colFlowUSDM = "flow_usd_m"
	colAsset    = "asset"
	colAUMUSD   = "aum_usd"
)

// NewETFCSV returns the parser of a plain UTF-8 CSV of daily ETF flows with
// a header row naming, in any order and without regard to case, date
// (YYYY-MM-DD, the US trading day), ticker (a fund, or TOTAL for the day's
// sum) and exactly one of flow_usd (US dollars) or flow_usd_m (US$
// millions), and optionally asset (the underlying, e.g. BTC) and aum_usd
// (US dollars). Other columns are ignored. Numbers may have thousands
// commas and "(x)" negatives, and are read exactly. An empty or "-" flow
// gives no event, an empty or "-" aum_usd no AUM, an empty asset the
// "asset" param.
//
// Params: "asset" (default "BTC") and "source" (default "etf-csv"). It
// returns an error wrapping feed.ErrBadParam for any other parameter or an
// invalid value. The parser's error wraps feed.ErrBadBody, naming the line,
// for an empty body, a body that is not UTF-8 CSV, a missing or repeated
// column, a row with more or fewer cells than the header (a truncated file),
// no data rows, a malformed date, ticker, asset or number, and the
// row-level faults listed in the package documentation.
func NewETFCSV(params map[string]string) (feed.Parser, error) {
	return formatParser(FormatETFCSV, SourceETFCSV, params, parseETFCSV)
}

func parseETFCSV(c *collector, body []byte) error {
	records, err := readCSV(body, 0)
	if err != nil {
		return err
	}
	col, flowUnit, err := etfCSVHeader(records[0].fields)
	if err != nil {
		return fmt.Errorf("header (line %d): %w", records[0].line, err)
	}
	if len(records) == 1 {
		return errors.New("no data rows below the header")
	}
	for _, r := range records[1:] {
		where := fmt.Sprintf("line %d", r.line)
		cell := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(r.fields[i])
			}
			return ""
		}
		d, err := time.Parse(time.DateOnly, cell(colDate))
		if err != nil {
			return fmt.Errorf("%s: date %q is not YYYY-MM-DD", where, feedtext.Clip(cell(colDate), 40))
		}
		where += " (" + cell(colDate) + ")"
		ticker := strings.ToUpper(cell(colTicker))
		if ticker == "" {
			return fmt.Errorf("%s: empty ticker", where)
		}
		asset := strings.ToUpper(cell(colAsset))
		flowText := cell(flowUnit.name)
		if flowText == "" || flowText == "-" {
			continue
		}
		flow, err := parseAmount(flowText)
		if err != nil {
			return fmt.Errorf("%s, column %s: %w", where, flowUnit.name, err)
		}
		flowUSD, err := flow.usd(flowUnit.exp)
		if err != nil {
			return fmt.Errorf("%s, column %s: %w", where, flowUnit.name, err)
		}
		var aumUSD *float64
		if t := cell(colAUMUSD); t != "" && t != "-" {
			a, err := parseAmount(t)
			if err != nil {
				return fmt.Errorf("%s, column %s: %w", where, colAUMUSD, err)
			}
			v, err := a.usd(0)
			if err != nil {
				return fmt.Errorf("%s, column %s: %w", where, colAUMUSD, err)
			}
			aumUSD = &v
		}
		if !c.tradeDay(d, where) {
			continue
		}
		if err := c.add(where, asset, d, ticker, flowUSD, aumUSD); err != nil {
			return err
		}
	}
	return nil
}

// flowColumn is the flow column in use and its unit's power of ten.
type flowColumn struct {
	name string
	exp  int
}

// etfCSVHeader maps column names to indexes and picks the flow column.
func etfCSVHeader(fields []string) (map[string]int, flowColumn, error) {
	col := map[string]int{}
	for i, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f))
		switch name {
		case colDate, colTicker, colFlowUSD, colFlowUSDM, colAsset, colAUMUSD:
			if _, dup := col[name]; dup {
				return nil, flowColumn{}, fmt.Errorf("column %s appears twice", name)
			}
			col[name] = i
		}
	}
	found := feedtext.Clip(strings.Join(fields, ","), 120)
	for _, name := range []string{colDate, colTicker} {
		if _, ok := col[name]; !ok {
			return nil, flowColumn{}, fmt.Errorf("no %s column (header is %q; want date,ticker,flow_usd or flow_usd_m)", name, found)
		}
	}
	_, usd := col[colFlowUSD]
	_, usdM := col[colFlowUSDM]
	switch {
	case usd && usdM:
		return nil, flowColumn{}, errors.New("both flow_usd and flow_usd_m: keep one")
	case usd:
		return col, flowColumn{name: colFlowUSD, exp: 0}, nil
	case usdM:
		return col, flowColumn{name: colFlowUSDM, exp: unitMillions}, nil
	}
	return nil, flowColumn{}, fmt.Errorf("no flow_usd or flow_usd_m column (header is %q)", found)
}
