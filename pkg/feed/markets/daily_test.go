package markets_test

import (
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/history"
	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

// The daily series their publishers serve: FRED downloads, the Treasury
// par curve and CBOE's VIX history, each read from its fixtures and held to
// the others, and to pkg/history, where they publish the same series.

func TestFRED(t *testing.T) {
	runDailyCases(t, markets.FormatFRED, []dailyCase{
		{
			name: "DEXJPUS, observation_date header", file: "usdjpy_fred.csv", wantEvents: 34,
			wantSource: "fred", wantUnit: event.UnitJPYPerUSD, wantKind: event.QuoteFixing, wantHour: 17,
			want:       map[string]float64{"USDJPY 2025-10-31": 154.05, "USDJPY 2025-11-20": 157.41, "USDJPY 2025-11-21": 156.58, "USDJPY 2025-12-19": 157.43},
			wantAbsent: []string{"USDJPY 2025-11-11", "USDJPY 2025-11-27"},
		},
		{
			name: "CBBTCUSD, weekends included", file: "btcusd_fred.csv", wantEvents: 50,
			wantSource: "fred", wantUnit: event.UnitUSD,
			want: map[string]float64{"BTC-USD 2025-11-20": 87214, "BTC-USD 2025-11-21": 84826, "BTC-USD 2025-11-22": 85133.92, "BTC-USD 2025-12-19": 88016.09},
		},
		{
			name: "DGS2", file: "fred_dgs2_2025-11.csv", wantEvents: 34,
			wantSource: "fred", wantUnit: event.UnitPercent,
			want:       map[string]float64{"UST2Y 2025-11-21": 3.51, "UST2Y 2025-11-25": 3.43, "UST2Y 2025-12-19": 3.48},
			wantAbsent: []string{"UST2Y 2025-11-11", "UST2Y 2025-11-27"},
		},
		{
			name: "DGS10, older DATE header with . for missing", file: "fred_dgs10_2024_date_header.csv", wantEvents: 105,
			wantSource: "fred", wantUnit: event.UnitPercent,
			want:       map[string]float64{"UST10Y 2024-07-01": 4.48, "UST10Y 2024-08-05": 3.78, "UST10Y 2024-11-29": 4.18},
			wantAbsent: []string{"UST10Y 2024-07-04", "UST10Y 2024-09-02", "UST10Y 2024-10-14", "UST10Y 2024-11-11", "UST10Y 2024-11-28"},
		},
		{
			name: "VIXCLS", file: "fred_vixcls_2024-08.csv", wantEvents: 45,
			wantSource: "fred", wantUnit: event.UnitPoints,
			want: map[string]float64{"VIX 2024-08-02": 23.39, "VIX 2024-08-05": 38.57, "VIX 2024-08-06": 27.71},
		},
		{
			name: "source parameter", file: "usdjpy_fred.csv", params: map[string]string{"source": "fred-mirror"}, wantEvents: 34,
			wantSource: "fred-mirror", wantUnit: event.UnitJPYPerUSD, wantKind: event.QuoteFixing, wantHour: 17,
			want: map[string]float64{"USDJPY 2025-11-20": 157.41},
		},
		{
			name: "instrument parameter naming the series' own, lower case", file: "usdjpy_fred.csv", params: map[string]string{"instrument": "usdjpy"}, wantEvents: 34,
			wantSource: "fred", wantUnit: event.UnitJPYPerUSD, wantKind: event.QuoteFixing, wantHour: 17,
			want: map[string]float64{"USDJPY 2025-11-20": 157.41},
		},
		{
			name: "at parameter", file: "usdjpy_fred.csv", params: map[string]string{"at": "16:00"}, wantEvents: 34,
			wantSource: "fred", wantUnit: event.UnitJPYPerUSD, wantKind: event.QuoteFixing, wantHour: 16,
			want: map[string]float64{"USDJPY 2025-11-20": 157.41},
		},
	})
}

// A series the table lacks needs the instrument parameter, with unit and
// kind. The rows are the last three of pkg/history's fed_funds_effr.csv
// (FRED DFF) under a FRED download header.
func TestFREDOtherSeries(t *testing.T) {
	body := []byte("observation_date,DFF\n2023-12-29,5.33\n2023-12-30,5.33\n2023-12-31,5.33\n")

	obs, err := newParser(t, markets.FormatFRED, nil)(body, parseNow)
	feedtest.CheckBadBody(t, obs, err, "parse fred-csv: bad body: header: series DFF is not one of DEXJPUS, DGS2, DGS10, CBBTCUSD, VIXCLS: give the instrument, unit and kind parameters for it")

	f, err := feed.Lookup(markets.Formats(), markets.FormatFRED)
	require.NoError(t, err)
	_, err = f.New(map[string]string{"instrument": "EFFR"})
	require.ErrorIs(t, err, feed.ErrBadParam)
	assert.ErrorContains(t, err, "format fred-csv: bad format parameter: instrument EFFR has no built-in unit and kind: give the unit and kind parameters")

	obs, err = newParser(t, markets.FormatFRED, map[string]string{"instrument": "EFFR", "unit": "percent", "kind": "fixing", "at": "13:00"})(body, parseNow)
	require.NoError(t, err)
	got := quotesOf(t, obs)
	require.Len(t, got, 3)
	q := got["EFFR 2023-12-31"]
	require.NotNil(t, q)
	assert.Equal(t, &event.MarketQuote{
		Meta:       event.Meta{Source: "fred", ObservedAt: utc("2023-12-31", 13)},
		Instrument: "EFFR", Value: 5.33, Unit: event.UnitPercent, Kind: event.QuoteFixing,
	}, q)
}

// A multi-series download (fredgraph.csv?id=DGS2,DGS10) gives every
// series. Values: 20, 21 and 27 Nov 2025 from fred_dgs2_2025-11.csv and
// from DGS10.csv of the same repository snapshot (see testdata/README.md).
func TestFREDSeveralSeries(t *testing.T) {
	body := []byte("observation_date,DGS2,DGS10\n2025-11-20,3.55,4.10\n2025-11-21,3.51,4.06\n2025-11-27,,\n")
	obs, err := newParser(t, markets.FormatFRED, nil)(body, parseNow)
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{"UST2Y 2025-11-20": 3.55, "UST10Y 2025-11-20": 4.10, "UST2Y 2025-11-21": 3.51, "UST10Y 2025-11-21": 4.06}, values(quotesOf(t, obs)))

	obs, err = newParser(t, markets.FormatFRED, map[string]string{"instrument": "UST2Y"})(body, parseNow)
	feedtest.CheckBadBody(t, obs, err, "header: 2 series (DGS2,DGS10), but the instrument parameter names one")
}

// Rows from before 1970 (FRED's DGS10 starts in 1962) and rows dated after
// now are left out with one warning each, not failed.
func TestFREDLeavesOutRowsOutsideTheEventRange(t *testing.T) {
	body := []byte("DATE,DGS10\n1962-01-02,4.06\n1962-01-03,4.03\n2024-11-29,4.18\n2025-12-31,4.20\n")
	now := time.Date(2025, time.December, 31, 20, 0, 0, 0, time.UTC) // before the 21:00 close
	obs, err := newParser(t, markets.FormatFRED, nil)(body, now)
	require.NoError(t, err)
	require.Len(t, obs.Events, 1)
	assert.Equal(t, 4.18, obs.Events[0].(*event.MarketQuote).Value)
	assert.Equal(t, []string{
		"left out 2 values dated before 1970-01-01 (1962-01-02 … 1962-01-03): the event model starts at the Unix epoch",
		"left out 1 value dated after 2025-12-31T20:00:00Z (2025-12-31): the day has not closed; a later poll reads it",
	}, obs.Warnings)
}

func TestTreasury(t *testing.T) {
	runDailyCases(t, markets.FormatTreasury, []dailyCase{
		{
			name: "2021, no 4 Mo column", file: "treasury_par_2021.csv", wantEvents: 2 * 251, wantSource: "treasury", wantUnit: event.UnitPercent,
			want: map[string]float64{"UST2Y 2021-01-04": 0.11, "UST10Y 2021-01-04": 0.93, "UST2Y 2021-12-31": 0.73, "UST10Y 2021-12-31": 1.52},
		},
		{
			name: "2022, 4 Mo empty until 18 Oct", file: "treasury_par_2022.csv", wantEvents: 2 * 249, wantSource: "treasury", wantUnit: event.UnitPercent,
			want: map[string]float64{"UST2Y 2022-10-18": 4.43, "UST10Y 2022-10-18": 4.01, "UST2Y 2022-10-19": 4.55, "UST10Y 2022-12-30": 3.88},
		},
		{
			name: "2023, SVB", file: "treasury_par_2023.csv", wantEvents: 2 * 250, wantSource: "treasury", wantUnit: event.UnitPercent,
			want: map[string]float64{"UST2Y 2023-03-10": 4.60, "UST2Y 2023-03-13": 4.03, "UST10Y 2023-03-13": 3.55, "UST10Y 2023-12-29": 3.88},
		},
		{
			name: "2024 to 10 Oct, the carry unwind", file: "treasury_par_2024.csv", params: map[string]string{"source": "ust-mirror"}, wantEvents: 2 * 196, wantSource: "ust-mirror", wantUnit: event.UnitPercent,
			want: map[string]float64{"UST2Y 2024-08-02": 3.88, "UST2Y 2024-08-05": 3.89, "UST10Y 2024-08-05": 3.78, "UST10Y 2024-10-10": 4.09},
		},
	})
}

// FRED's DGS2 and DGS10 are the Treasury's par yields: every 2021–2023 row
// of the Treasury files equals pkg/history's ust_2y and ust_10y (FRED
// downloads from another repository) on the same date, with the same dates.
func TestTreasuryAgreesWithFREDHistory(t *testing.T) {
	since2021 := func(d time.Time) bool { return d.Year() >= 2021 }
	fromFRED := map[string]float64{}
	for name, instrument := range map[string]string{"ust_2y": event.InstrumentUST2Y, "ust_10y": event.InstrumentUST10Y} {
		maps.Copy(fromFRED, historyValues(t, name, instrument, since2021))
	}
	fromTreasury := map[string]float64{}
	for _, file := range []string{"treasury_par_2021.csv", "treasury_par_2022.csv", "treasury_par_2023.csv"} {
		maps.Copy(fromTreasury, fileValues(t, markets.FormatTreasury, file))
	}
	require.Len(t, fromTreasury, 2*(251+249+250))
	assert.Equal(t, fromFRED, fromTreasury)
}

// The real yield curve file (type=daily_treasury_real_yield_curve) writes
// "10 YR" and has no 2-year column; its header (as public parsers of that
// file quote it; no stored copy of the file was found) is rejected rather
// than read as nominal yields.
func TestTreasuryRejectsTheRealYieldCurve(t *testing.T) {
	body := []byte("Date,\"5 YR\",\"7 YR\",\"10 YR\",\"20 YR\",\"30 YR\"\n")
	obs, err := newParser(t, markets.FormatTreasury, nil)(body, parseNow)
	feedtest.CheckBadBody(t, obs, err, `parse treasury-par: bad body: header: no "2 Yr" column (want the Treasury daily par yield curve, Date,"1 Mo",…,"2 Yr",…,"10 Yr",…; got "Date,5 YR,7 YR,10 YR,20 YR,30 YR")`)
}

func TestCBOE(t *testing.T) {
	runDailyCases(t, markets.FormatCBOE, []dailyCase{
		{
			name: "2023", file: "cboe_vix_2023.csv", wantEvents: 257, wantSource: "cboe", wantUnit: event.UnitPoints, wantInstrument: "VIX",
			want: map[string]float64{"VIX 2023-01-03": 22.9, "VIX 2023-03-13": 26.52, "VIX 2023-12-29": 12.45},
		},
		{
			name: "July-August 2024, the carry unwind", file: "cboe_vix_2024-08.csv", wantEvents: 45, wantSource: "cboe", wantUnit: event.UnitPoints, wantInstrument: "VIX",
			want: map[string]float64{"VIX 2024-08-02": 23.39, "VIX 2024-08-05": 38.57, "VIX 2024-08-06": 27.71},
		},
		{
			name: "November 2025 episode", file: "cboe_vix_2025-11.csv", wantEvents: 36, wantSource: "cboe", wantUnit: event.UnitPoints, wantInstrument: "VIX",
			want: map[string]float64{"VIX 2025-10-31": 17.44, "VIX 2025-11-20": 26.42, "VIX 2025-11-21": 23.43, "VIX 2025-12-19": 14.91},
		},
		{
			name: "params", file: "cboe_vix_2025-11.csv", params: map[string]string{"source": "cboe-cdn", "instrument": "vix"},
			wantEvents: 36, wantSource: "cboe-cdn", wantUnit: event.UnitPoints, wantInstrument: "VIX",
			want: map[string]float64{"VIX 2025-11-20": 26.42},
		},
	})
}

// CBOE's close is FRED's VIXCLS: the 2023 rows equal pkg/history's vix.csv
// and the July–August 2024 rows fred_vixcls_2024-08.csv, date for date.
func TestCBOEAgreesWithFRED(t *testing.T) {
	assert.Equal(t, fileValues(t, markets.FormatFRED, "fred_vixcls_2024-08.csv"), fileValues(t, markets.FormatCBOE, "cboe_vix_2024-08.csv"))

	fred := historyValues(t, "vix", "VIX", func(d time.Time) bool { return d.Year() == 2023 })
	require.Len(t, fred, 257)
	assert.Equal(t, fred, fileValues(t, markets.FormatCBOE, "cboe_vix_2023.csv"))
}

// values maps each quote's key to its value.
func values(quotes map[string]*event.MarketQuote) map[string]float64 {
	out := make(map[string]float64, len(quotes))
	for k, q := range quotes {
		out[k] = q.Value
	}
	return out
}

// fileValues parses testdata/file with format's default parser at
// parseNow and returns its values by quoteKey (see quotesOf).
func fileValues(tb testing.TB, format, file string) map[string]float64 {
	tb.Helper()
	obs, err := newParser(tb, format, nil)(feedtest.Testdata(tb, file), parseNow)
	require.NoError(tb, err)
	return values(quotesOf(tb, obs))
}

// historyValues returns the values of pkg/history's series, by the
// quoteKey they have as instrument, on the dates keep accepts.
func historyValues(tb testing.TB, series, instrument string, keep func(time.Time) bool) map[string]float64 {
	tb.Helper()
	s, err := history.Lookup(series)
	require.NoError(tb, err)
	vs, err := s.Values()
	require.NoError(tb, err)
	out := map[string]float64{}
	for _, v := range vs {
		if keep(v.Date) {
			out[instrument+" "+v.Date.Format(time.DateOnly)] = v.Value
		}
	}
	return out
}
