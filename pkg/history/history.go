package history

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed data/*.csv
var files embed.FS

// LastDate is the out-of-sample cut-off: no file has a row after it, and
// the later period is held out to validate the model.
var LastDate = time.Date(2023, time.December, 31, 0, 0, 0, 0, time.UTC)

// The formats of pkg/feed/markets that read the files into events.
const (
	formatQuote = "history-csv"
	formatJGB   = "history-jgb"
)

// Series is one embedded history file.
type Series struct {
	// Name is the file's name without .csv, e.g. "usdjpy".
	Name string
	// Instrument is the event.MarketQuote instrument of a market series
	// (USDJPY, UST2Y, UST10Y, BTC-USD, VIX), else "".
	Instrument string
	// Tenor is the event.JGBYield tenor of a JGB series (2Y, 10Y), else "".
	Tenor string
	// Unit is what the values measure: "JPY per USD", "percent", "USD",
	// "points", or "price" for the fed funds futures.
	Unit string
	// Kind is the quote kind of a market series (fixing, close), else "".
	Kind string
	// Source is the event source of its events: "fred" or "mof", the
	// publisher whose values the file copies, so that ids are those the
	// fred-csv and mof-jgb formats give the same observations; "" for a
	// series that is no event.
	Source string
	// Rows is the number of data rows, as data/README.md counts them.
	Rows int
	// Doc says what the series is, after data/README.md.
	Doc string
}

// series lists every embedded file. The order is the README's.
var series = []Series{
	{Name: "jgb_2y", Tenor: "2Y", Unit: "percent", Source: "mof", Rows: 6129, Doc: "Japan MoF JGB yield, 2-year (jgbcm_all.csv column 2年)"},
	{Name: "jgb_10y", Tenor: "10Y", Unit: "percent", Source: "mof", Rows: 6129, Doc: "Japan MoF JGB yield, 10-year (jgbcm_all.csv column 10年)"},
	{Name: "usdjpy", Instrument: "USDJPY", Unit: "JPY per USD", Kind: "fixing", Source: "fred", Rows: 6269, Doc: "FRED DEXJPUS, yen per US dollar, noon New York buying rate"},
	{Name: "ust_2y", Instrument: "UST2Y", Unit: "percent", Kind: "close", Source: "fred", Rows: 6254, Doc: "FRED DGS2, UST 2-year constant maturity"},
	{Name: "ust_10y", Instrument: "UST10Y", Unit: "percent", Kind: "close", Source: "fred", Rows: 6254, Doc: "FRED DGS10, UST 10-year constant maturity"},
	{Name: "btc_usd", Instrument: "BTC-USD", Unit: "USD", Kind: "close", Source: "fred", Rows: 3283, Doc: "FRED CBBTCUSD, Coinbase BTC-USD, daily incl. weekends"},
	{Name: "vix", Instrument: "VIX", Unit: "points", Kind: "close", Source: "fred", Rows: 6302, Doc: "FRED VIXCLS, CBOE VIX close"},
	{Name: "fed_funds_effr", Unit: "percent", Rows: 9131, Doc: "FRED DFF, effective fed funds rate, every calendar day (calibration input)"},
	{Name: "fed_funds_futures_zq_m0", Unit: "price", Rows: 6209, Doc: "30-day fed funds futures (ZQ), spot-month contract, daily close (calibration input)"},
	{Name: "fed_funds_futures_zq_m1", Unit: "price", Rows: 6211, Doc: "30-day fed funds futures (ZQ), next month's contract (calibration input)"},
	{Name: "fed_funds_futures_zq_m2", Unit: "price", Rows: 6208, Doc: "30-day fed funds futures (ZQ), contract two months ahead (calibration input)"},
	{Name: "fed_funds_futures_zq_m3", Unit: "price", Rows: 6209, Doc: "30-day fed funds futures (ZQ), contract three months ahead (calibration input)"},
}

// All returns every embedded series, market quotes, JGB yields and the
// calibration inputs (fed funds, ZQ futures) alike. It has no error case.
func All() []Series { return slices.Clone(series) }

// Events returns the series that are events (market quotes and JGB
// yields), the ones `carrywatch feed backfill --history` publishes.
func Events() []Series {
	return slices.DeleteFunc(All(), func(s Series) bool { return !s.IsEvent() })
}

// Lookup returns the series called name, or an error wrapping
// ErrUnknownSeries that lists the names.
func Lookup(name string) (Series, error) {
	i := slices.IndexFunc(series, func(s Series) bool { return s.Name == name })
	if i < 0 {
		names := make([]string, len(series))
		for i, s := range series {
			names[i] = s.Name
		}
		return Series{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownSeries, name, strings.Join(names, ", "))
	}
	return series[i], nil
}

// File returns the embedded file's name, e.g. "usdjpy.csv".
func (s Series) File() string { return s.Name + ".csv" }

// IsEvent reports whether the series is a market quote or JGB yield series.
func (s Series) IsEvent() bool { return s.Instrument != "" || s.Tenor != "" }

// Format returns the pkg/feed/markets format that reads the file into
// events ("history-csv" or "history-jgb"), "" for a series that is none.
func (s Series) Format() string {
	switch {
	case s.Instrument != "":
		return formatQuote
	case s.Tenor != "":
		return formatJGB
	}
	return ""
}

// Params returns the parameters of Format for this series, nil for a
// series that is no event.
func (s Series) Params() map[string]string {
	switch {
	case s.Instrument != "":
		return map[string]string{"instrument": s.Instrument, "source": s.Source}
	case s.Tenor != "":
		return map[string]string{"tenor": s.Tenor, "source": s.Source}
	}
	return nil
}

// Bytes returns the file as embedded. The error, which the shipped files
// never give, comes from the embedded file system.
func (s Series) Bytes() ([]byte, error) {
	b, err := files.ReadFile(path.Join("data", s.File()))
	if err != nil {
		return nil, fmt.Errorf("read history %s: %w", s.Name, err)
	}
	return b, nil
}

// Value is one row of a history file.
type Value struct {
	// Date is the row's date, midnight UTC.
	Date time.Time
	// Value is the value read as a float64.
	Value float64
	// Text is the value as the file writes it (and as the source did).
	Text string
}

// Values reads the file's rows in file order. The error wraps ErrBadFile
// and names the line for a header other than date,value, a row other than
// YYYY-MM-DD,number, or a date that is not after the previous one.
func (s Series) Values() ([]Value, error) {
	b, err := s.Bytes()
	if err != nil {
		return nil, err
	}
	out := make([]Value, 0, s.Rows)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if line != "date,value" {
				return nil, fmt.Errorf("%w %s: line 1: header %q is not date,value", ErrBadFile, s.File(), line)
			}
			continue
		}
		v, err := parseRow(line)
		if err != nil {
			return nil, fmt.Errorf("%w %s: line %d: %w", ErrBadFile, s.File(), n, err)
		}
		if len(out) > 0 && !v.Date.After(out[len(out)-1].Date) {
			return nil, fmt.Errorf("%w %s: line %d: %s does not follow %s", ErrBadFile, s.File(), n,
				v.Date.Format(time.DateOnly), out[len(out)-1].Date.Format(time.DateOnly))
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrBadFile, s.File(), err)
	}
	return out, nil
}

// parseRow reads YYYY-MM-DD,value.
func parseRow(line string) (Value, error) {
	date, text, ok := strings.Cut(line, ",")
	if !ok {
		return Value{}, fmt.Errorf("%q is not date,value", line)
	}
	d, err := time.Parse(time.DateOnly, date)
	if err != nil || len(date) != len(time.DateOnly) {
		return Value{}, fmt.Errorf("date %q is not YYYY-MM-DD", date)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return Value{}, fmt.Errorf("value %q is not a number", text)
	}
	return Value{Date: d, Value: v, Text: text}, nil
}
