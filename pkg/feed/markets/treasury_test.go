package markets_test

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/history"
)

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
	fromFRED := map[string]float64{}
	for name, instrument := range map[string]string{"ust_2y": event.InstrumentUST2Y, "ust_10y": event.InstrumentUST10Y} {
		s, err := history.Lookup(name)
		require.NoError(t, err)
		vs, err := s.Values()
		require.NoError(t, err)
		for _, v := range vs {
			if v.Date.Year() >= 2021 {
				fromFRED[instrument+" "+v.Date.Format(time.DateOnly)] = v.Value
			}
		}
	}
	fromTreasury := map[string]float64{}
	for _, file := range []string{"treasury_par_2021.csv", "treasury_par_2022.csv", "treasury_par_2023.csv"} {
		obs, err := newParser(t, markets.FormatTreasury, nil)(feedtest.Testdata(t, file), parseNow)
		require.NoError(t, err)
		for k, q := range quotesOf(t, obs) {
			fromTreasury[k] = q.Value
		}
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
