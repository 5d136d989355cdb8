package jgb

import (
	"fmt"
	"maps"
	"slices"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// paramSource names the optional parameter that overrides Meta.Source.
const paramSource = "source"

// Formats returns the JGB formats for `carrywatch feed parse --format`:
//
//   - "mof-jgb": MoF jgbcm.csv or jgbcm_all.csv, read by ParseMoF;
//   - "jgb-csv": a plain date,tenor,yield_pct CSV, read by ParseCSV.
//
// Each takes one optional parameter, "source", the event source to write
// (default "mof" and "jgb-csv"). New returns an error wrapping
// feed.ErrBadParam for any other parameter or a source that is not lowercase
// [a-z0-9_.-].
func Formats() []feed.Format {
	return []feed.Format{
		{
			Name: "mof-jgb",
			Doc: "Japan Ministry of Finance JGB interest-rate CSV (jgbcm.csv, jgbcm_all.csv; Shift_JIS or UTF-8): " +
				"one yield per business day and tenor 1Y-40Y, observed at 06:00 UTC (15:00 JST close); \"-\" gives no event. " +
				"Params: source (default \"mof\").",
			New: withSource("mof-jgb", SourceMoF, mofParser),
		},
		{
			Name: "jgb-csv",
			Doc: "Plain UTF-8 CSV with a header naming date,tenor,yield_pct (any order): date YYYY-MM-DD " +
				"(observed at 06:00 UTC) or RFC 3339, tenor like 2Y/10Y/6M, yield in percent; empty or \"-\" gives no event. " +
				"Params: source (default \"jgb-csv\").",
			New: withSource("jgb-csv", SourceCSV, ParseCSV),
		},
	}
}

// withSource returns the New of a format whose only parameter is source:
// it reads the parameter with sourceParam and builds the parser for it.
func withSource(format, def string, parser func(source string) feed.Parser) func(map[string]string) (feed.Parser, error) {
	return func(params map[string]string) (feed.Parser, error) {
		source, err := sourceParam(format, params, def)
		if err != nil {
			return nil, err
		}
		return parser(source), nil
	}
}

// sourceParam returns the "source" parameter, or def if it is absent, and an
// error wrapping feed.ErrBadParam for an unknown parameter or a bad source.
func sourceParam(format string, params map[string]string, def string) (string, error) {
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k != paramSource {
			return "", fmt.Errorf("format %s: %w: unknown parameter %q (known: %s)", format, feed.ErrBadParam, k, paramSource)
		}
	}
	source, ok := params[paramSource]
	if !ok {
		return def, nil
	}
	if err := checkSource(source); err != nil {
		return "", fmt.Errorf("format %s: %w", format, err)
	}
	return source, nil
}
