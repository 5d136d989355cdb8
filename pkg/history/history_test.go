package history_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/history"
)

// readmeCounts reads the row counts of data/README.md's file table, e.g.
// "| `usdjpy.csv` | … | 6269 |".
func readmeCounts(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("data", "README.md"))
	require.NoError(t, err)
	re := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)\\.csv` \\|.*\\| (\\d+) \\|$")
	counts := map[string]int{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		n, err := strconv.Atoi(m[2])
		require.NoError(t, err)
		counts[m[1]] = n
	}
	return counts
}

// Every file has the README's row count, ascending unique ISO dates and no
// row after the out-of-sample cut-off; every file on disk is a series.
func TestFilesMatchTheREADME(t *testing.T) {
	counts := readmeCounts(t)
	assert.Equal(t, map[string]int{
		"jgb_2y": 6129, "jgb_10y": 6129, "usdjpy": 6269, "ust_2y": 6254, "ust_10y": 6254, "btc_usd": 3283, "vix": 6302,
		"fed_funds_effr": 9131, "fed_funds_futures_zq_m0": 6209, "fed_funds_futures_zq_m1": 6211,
		"fed_funds_futures_zq_m2": 6208, "fed_funds_futures_zq_m3": 6209,
	}, counts)

	onDisk, err := filepath.Glob(filepath.Join("data", "*.csv"))
	require.NoError(t, err)
	require.Len(t, history.All(), len(onDisk), "every data/*.csv is a series")
	for _, s := range history.All() {
		t.Run(s.Name, func(t *testing.T) {
			assert.Equal(t, counts[s.Name], s.Rows, "Rows is the README's count")
			assert.FileExists(t, filepath.Join("data", s.Name+".source.txt"))
			vs, err := s.Values() // fails on an unsorted or repeated date
			require.NoError(t, err)
			require.Len(t, vs, counts[s.Name])
			assert.False(t, vs[len(vs)-1].Date.After(history.LastDate), "last row %s", vs[len(vs)-1].Date.Format(time.DateOnly))
			for i := 1; i < len(vs); i++ {
				require.True(t, vs[i].Date.After(vs[i-1].Date), "row %d: %s after %s", i+2, vs[i].Date, vs[i-1].Date)
			}
		})
	}
}

// Spot values from data/README.md §3, read through Values.
func TestValuesQuoteTheSource(t *testing.T) {
	tests := []struct {
		series, date, text string
		want               float64
	}{
		{"jgb_2y", "2022-12-20", "0.011", 0.011},
		{"jgb_10y", "2016-02-09", "-0.02", -0.02},
		{"usdjpy", "1999-01-04", "112.15", 112.15},
		{"usdjpy", "2008-10-24", "92.6400", 92.64},
		{"ust_2y", "2023-03-13", "4.03", 4.03},
		{"ust_10y", "2020-03-09", "0.54", 0.54},
		{"btc_usd", "2023-12-31", "42300.78", 42300.78},
		{"vix", "2020-03-16", "82.69", 82.69},
		{"fed_funds_effr", "1999-01-01", "4.070", 4.07},
		{"fed_funds_futures_zq_m2", "2023-03-13", "95.24", 95.24},
	}
	for _, tt := range tests {
		t.Run(tt.series+" "+tt.date, func(t *testing.T) {
			s, err := history.Lookup(tt.series)
			require.NoError(t, err)
			vs, err := s.Values()
			require.NoError(t, err)
			d, err := time.Parse(time.DateOnly, tt.date)
			require.NoError(t, err)
			var found []history.Value
			for _, v := range vs {
				if v.Date.Equal(d) {
					found = append(found, v)
				}
			}
			require.Len(t, found, 1)
			assert.Equal(t, tt.text, found[0].Text)
			assert.Equal(t, tt.want, found[0].Value)
		})
	}
}

// Each event series reads, with its format and parameters, into exactly one
// valid event per row, with the row's value, at the source's time of day.
func TestEventSeriesParse(t *testing.T) {
	now := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	var names []string
	for _, s := range history.Events() {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"jgb_2y", "jgb_10y", "usdjpy", "ust_2y", "ust_10y", "btc_usd", "vix"}, names)

	atUTC := map[string]time.Duration{"jgb_2y": 6 * time.Hour, "jgb_10y": 6 * time.Hour, "usdjpy": 17 * time.Hour,
		"ust_2y": 21 * time.Hour, "ust_10y": 21 * time.Hour, "btc_usd": 21 * time.Hour, "vix": 21 * time.Hour}
	for _, s := range history.Events() {
		t.Run(s.Name, func(t *testing.T) {
			f, err := feed.Lookup(markets.Formats(), s.Format())
			require.NoError(t, err)
			parse, err := f.New(s.Params())
			require.NoError(t, err)
			body, err := s.Bytes()
			require.NoError(t, err)
			obs, err := parse(body, now)
			require.NoError(t, err)
			assert.Empty(t, obs.Warnings)
			vs, err := s.Values()
			require.NoError(t, err)
			require.Len(t, obs.Events, s.Rows)
			for i, e := range obs.Events {
				h := e.Header()
				require.Equal(t, vs[i].Date.Add(atUTC[s.Name]), h.ObservedAt, "row %d", i+2)
				require.Equal(t, s.Source, h.Source)
				switch e := e.(type) {
				case *event.MarketQuote:
					require.Equal(t, s.Instrument, e.Instrument)
					require.Equal(t, s.Unit, e.Unit)
					require.Equal(t, s.Kind, e.Kind)
					require.Equal(t, vs[i].Value, e.Value, "row %d", i+2)
				case *event.JGBYield:
					require.Equal(t, s.Tenor, e.Tenor)
					require.Equal(t, vs[i].Value, e.YieldPct, "row %d", i+2)
				default:
					t.Fatalf("row %d: %T", i+2, e)
				}
			}
		})
	}
}

func TestSeriesThatAreNoEvents(t *testing.T) {
	for _, name := range []string{"fed_funds_effr", "fed_funds_futures_zq_m0", "fed_funds_futures_zq_m3"} {
		s, err := history.Lookup(name)
		require.NoError(t, err)
		assert.False(t, s.IsEvent(), name)
		assert.Empty(t, s.Format(), name)
		assert.Nil(t, s.Params(), name)
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := history.Lookup("eurusd")
	require.ErrorIs(t, err, history.ErrUnknownSeries)
	assert.ErrorContains(t, err, `unknown history series "eurusd" (known: jgb_2y, jgb_10y, usdjpy,`)
}
