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
	values := func(t *testing.T, format, file string) map[string]float64 {
		obs, err := newParser(t, format, nil)(feedtest.Testdata(t, file), parseNow)
		require.NoError(t, err)
		out := map[string]float64{}
		for k, q := range quotesOf(t, obs) {
			out[k] = q.Value
		}
		return out
	}
	assert.Equal(t, values(t, markets.FormatFRED, "fred_vixcls_2024-08.csv"), values(t, markets.FormatCBOE, "cboe_vix_2024-08.csv"))

	s, err := history.Lookup("vix")
	require.NoError(t, err)
	vs, err := s.Values()
	require.NoError(t, err)
	fred := map[string]float64{}
	for _, v := range vs {
		if v.Date.Year() == 2023 {
			fred["VIX "+v.Date.Format(time.DateOnly)] = v.Value
		}
	}
	require.Len(t, fred, 257)
	assert.Equal(t, fred, values(t, markets.FormatCBOE, "cboe_vix_2023.csv"))
}
