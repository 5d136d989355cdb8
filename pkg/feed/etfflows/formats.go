package etfflows

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// Format names, the values of `carrywatch feed parse --format`.
const (
	FormatFarsideHTML = "farside-html"
	FormatFarsideCSV  = "farside-csv"
	FormatSoSoValue   = "sosovalue"
	FormatETFCSV      = "etf-csv"
)

// Default event sources (Meta.Source) of the formats; the "source"
// parameter overrides them.
const (
	SourceFarside   = "farside"
	SourceSoSoValue = "sosovalue"
	SourceETFCSV    = "etf-csv"
)

// DefaultAsset is the underlying written when the "asset" parameter is
// absent.
const DefaultAsset = "BTC"

// Parameter names.
const (
	paramAsset  = "asset"
	paramSource = "source"
	paramType   = "type"
)

var (
	// reSoSoType is a SoSoValue ETF type such as us-btc-spot.
	reSoSoType = regexp.MustCompile(`^us-([a-z0-9]{1,12})-spot$`)
)

// Formats returns the ETF flow formats for `carrywatch feed parse --format`:
// "farside-html", "farside-csv", "sosovalue" and "etf-csv" (see
// NewFarsideHTML, NewFarsideCSV, NewSoSoValue and NewETFCSV for the
// parameters each takes). New returns an error wrapping feed.ErrBadParam for
// an unknown or invalid parameter.
func Formats() []feed.Format {
	return []feed.Format{
		{
			Name: FormatFarsideHTML,
			Doc: "Farside Investors flow page (farside.co.uk/btc/, /eth/, the all-data pages): the <table class=\"etf\">, " +
				"columns keyed by the ticker header row, US$m with (x) negative and \"-\" no data; one event per fund and day " +
				"plus TOTAL, observed at 21:00 UTC; funds not adding up to Total give a warning. " +
				"Params: asset (default BTC), source (default farside).",
			New: NewFarsideHTML,
		},
		{
			Name: FormatFarsideCSV,
			Doc: "Farside flow table as CSV (Date,IBIT,...,Total; dates like 05 Aug 2024; US$m, (x) negative, \"-\" no data): " +
				"read like farside-html. Params: asset (default BTC), source (default farside).",
			New: NewFarsideCSV,
		},
		{
			Name: FormatSoSoValue,
			Doc: "SoSoValue historicalInflowChart JSON ({\"code\":0,\"data\":[...]} or data.list): one TOTAL event per " +
				"date from totalNetInflow (USD), AUM from totalNetAssets. " +
				"Params: asset (default BTC) or type (us-btc-spot, us-eth-spot, ...), source (default sosovalue).",
			New: NewSoSoValue,
		},
		{
			Name: FormatETFCSV,
			Doc: "Plain CSV with a header naming date (YYYY-MM-DD), ticker (or TOTAL) and flow_usd or flow_usd_m " +
				"(US$ millions), optionally asset and aum_usd; empty or \"-\" flow gives no event. " +
				"Params: asset (default BTC, for rows without one), source (default etf-csv).",
			New: NewETFCSV,
		},
	}
}

// options are a format's parameters, checked.
type options struct {
	asset  string
	source string
}

// parseOptions checks params for format: only "asset", "source" and the
// extra names are allowed; asset must be 1-12 of [A-Z0-9] after trimming and
// upper-casing; source must be lowercase [a-z0-9_.-]. Errors wrap
// feed.ErrBadParam.
func parseOptions(format, defSource string, params map[string]string, extra ...string) (options, error) {
	known := append([]string{paramAsset, paramSource}, extra...)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if !slices.Contains(known, k) {
			return options{}, fmt.Errorf("format %s: %w: unknown parameter %q (known: %s)",
				format, feed.ErrBadParam, k, strings.Join(known, ", "))
		}
	}
	o := options{asset: DefaultAsset, source: defSource}
	if v, ok := params[paramAsset]; ok {
		a, err := assetParam(format, paramAsset, v)
		if err != nil {
			return options{}, err
		}
		o.asset = a
	}
	if v, ok := params[paramSource]; ok {
		if err := feed.CheckSource(v); err != nil {
			return options{}, fmt.Errorf("format %s: %w: %w", format, feed.ErrBadParam, err)
		}
		o.source = v
	}
	return o, nil
}

func assetParam(format, name, v string) (string, error) {
	a := strings.ToUpper(strings.TrimSpace(v))
	if !event.ValidTicker(a) {
		return "", fmt.Errorf("format %s: %w: %s %q must be 1-12 of [A-Z0-9]", format, feed.ErrBadParam, name, v)
	}
	return a, nil
}

// formatParser reads params as parseOptions does (asset and source only) and
// returns the parser of format that runs parse; the error is
// parseOptions'.
func formatParser(format, defSource string, params map[string]string, parse func(c *collector, body []byte) error) (feed.Parser, error) {
	o, err := parseOptions(format, defSource, params)
	if err != nil {
		return nil, err
	}
	return parser(format, parse, o), nil
}

// parser wraps the work of one format: errors from parse gain the format
// name and feed.ErrBadBody, and a failed parse returns no observations.
func parser(format string, parse func(c *collector, body []byte) error, o options) feed.Parser {
	return func(body []byte, now time.Time) (feed.Observations, error) {
		c := newCollector(now, o.asset, o.source)
		if err := parse(c, body); err != nil {
			return feed.Observations{}, fmt.Errorf("parse %s: %w: %w", format, feed.ErrBadBody, err)
		}
		return c.result(), nil
	}
}
