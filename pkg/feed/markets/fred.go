package markets

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// reFREDSeries is a FRED series id as a download's header writes it.
var reFREDSeries = regexp.MustCompile(`^[A-Za-z0-9_]{1,40}$`)

// fredDateColumns are the names FRED has given the date column: current
// downloads say observation_date, older ones DATE.
var fredDateColumns = []string{"observation_date", "DATE"}

// NewFRED returns the parser of FRED's CSV download
// (https://fred.stlouisfed.org/graph/fredgraph.csv?id=SERIES): a header
// observation_date,SERIES (older downloads: DATE,SERIES; a multi-series
// download names several), then one YYYY-MM-DD date and one value per
// series a line. The series is read from the header: DEXJPUS gives USDJPY
// (JPY per USD, fixing, 17:00 UTC), DGS2 UST2Y and DGS10 UST10Y (percent,
// close, 21:00 UTC), CBBTCUSD BTC-USD (USD, close, 21:00 UTC) and VIXCLS
// VIX (points, close, 21:00 UTC); "." or an empty cell is a missing value
// and gives no event, never a zero.
//
// Params: source (default "fred"); instrument, for a one-series download
// of a series the table lacks or to rename one, with unit, kind and at
// (HH:MM UTC), which default to the instrument's row of Conventions (at:
// 21:00 for an instrument it lacks). New returns an error wrapping
// feed.ErrBadParam for an unknown or invalid parameter, or an instrument
// outside the table without unit and kind.
//
// The parser's error wraps feed.ErrBadBody and names the line and column
// when the body is not UTF-8 CSV with that header, names a series outside
// the table with no instrument parameter, or has a malformed date or value,
// a value the event model rejects or a date twice.
func NewFRED(params map[string]string) (feed.Parser, error) {
	o, err := parseOptions(FormatFRED, SourceFRED, params, paramSource, paramInstrument, paramUnit, paramKind, paramAt)
	if err != nil {
		return nil, err
	}
	var fixed *quoteSpec
	if o.instrument != "" {
		s, err := o.spec(Convention{})
		if err != nil {
			return nil, fmt.Errorf("format %s: %w: %w", FormatFRED, feed.ErrBadParam, err)
		}
		fixed = &s
	}
	return parser(FormatFRED, o.source, func(c *collector, body []byte) error {
		return parseFRED(c, body, o, fixed)
	}), nil
}

// parseFRED does NewFRED's work; fixed, if not nil, is the series given by
// the instrument parameter.
func parseFRED(c *collector, body []byte, o options, fixed *quoteSpec) error {
	t, err := readTable(body)
	if err != nil {
		return err
	}
	h := t.header
	if len(h) < 2 || !slices.ContainsFunc(fredDateColumns, func(n string) bool { return strings.EqualFold(n, h[0]) }) {
		return fmt.Errorf("header: want observation_date,SERIES or DATE,SERIES (a FRED download); got %q", clip(strings.Join(h, ",")))
	}
	if fixed != nil && len(h) > 2 {
		return fmt.Errorf("header: %d series (%s), but the instrument parameter names one", len(h)-1, clip(strings.Join(h[1:], ",")))
	}
	specs := make([]quoteSpec, len(h))
	for i, series := range h[1:] {
		s, err := fredSeries(series, h[1:i+1], o, fixed)
		if err != nil {
			return fmt.Errorf("header: %w", err)
		}
		specs[i+1] = s
	}
	return t.rows(func(line int, row []string) error {
		d, err := isoDate(row[0])
		if err != nil {
			return fmt.Errorf("%s: %w", h[0], err)
		}
		for i := 1; i < len(row); i++ {
			if err := c.quoteCell(line, d, h[i], row[i], specs[i], ".", ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// fredSeries returns what the header's series column becomes; before are
// the series columns left of it.
func fredSeries(series string, before []string, o options, fixed *quoteSpec) (quoteSpec, error) {
	switch {
	case !reFREDSeries.MatchString(series):
		return quoteSpec{}, fmt.Errorf("%q is not a FRED series id", clip(series))
	case slices.Contains(before, series):
		return quoteSpec{}, fmt.Errorf("series %s appears twice", series)
	case fixed != nil:
		return *fixed, nil
	}
	base, ok := convention(SourceFRED, strings.ToUpper(series))
	if !ok {
		return quoteSpec{}, fmt.Errorf("series %s is not one of %s: give the instrument, unit and kind parameters for it", series, fredSeriesNames())
	}
	s, err := o.spec(base)
	if err != nil {
		return quoteSpec{}, fmt.Errorf("series %s: %w", series, err)
	}
	return s, nil
}

// fredSeriesNames lists the FRED series of the table.
func fredSeriesNames() string {
	var names []string
	for _, c := range conventions {
		if c.Source == SourceFRED {
			names = append(names, c.Series)
		}
	}
	return strings.Join(names, ", ")
}
