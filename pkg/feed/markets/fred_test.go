package markets_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

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
	got := quotesOf(t, obs)
	values := map[string]float64{}
	for k, q := range got {
		values[k] = q.Value
	}
	assert.Equal(t, map[string]float64{"UST2Y 2025-11-20": 3.55, "UST10Y 2025-11-20": 4.10, "UST2Y 2025-11-21": 3.51, "UST10Y 2025-11-21": 4.06}, values)

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
