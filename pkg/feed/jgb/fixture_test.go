package jgb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

// now is the fixed clock of every test: after every real fixture row.
var now = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Fixture files in testdata/ (see testdata/README.md).
const (
	currentCP932 = "jgbcm_current_month_cp932.csv"
	currentUTF8  = "jgbcm_current_month_utf8.csv"
	allCP932     = "jgbcm_all_extract_2025_cp932.csv"
	allUTF8      = "jgbcm_all_extract_2025_utf8.csv"
	docSample    = "mof_doc_sample_utf8.csv"
	docCurrent   = "mof_doc_current_month_shape_utf8.csv"
	dailyCSV     = "jgb_daily_2025.csv"
)

// The MoF header row, as in every real file.
const mofHeader = "基準日,1年,2年,3年,4年,5年,6年,7年,8年,9年,10年,15年,20年,25年,30年,40年"

// yields returns the observations as "YYYY-MM-DD/tenor" → percent, after
// checking that every event is a JGB yield from source observed at 06:00 UTC
// and that no key repeats.
func yields(tb testing.TB, obs feed.Observations, source string) map[string]float64 {
	tb.Helper()
	out := make(map[string]float64, len(obs.Events))
	for i, e := range obs.Events {
		y, ok := e.(*event.JGBYield)
		require.Truef(tb, ok, "event %d is %T", i, e)
		assert.Equal(tb, source, y.Source, "event %d source", i)
		k := key(y)
		_, dup := out[k]
		require.Falsef(tb, dup, "key %s repeats", k)
		out[k] = y.YieldPct
	}
	return out
}

func key(y *event.JGBYield) string {
	return y.ObservedAt.UTC().Format(time.DateOnly) + "/" + y.Tenor
}

// checkEvents asserts what every successful parse must give: unsealed JGB
// yields that seal, validate at now and survive the wire (see
// feedtest.Sealed), one per tenor and UTC date, sorted by date and then
// tenor in months.
func checkEvents(tb testing.TB, obs feed.Observations) {
	tb.Helper()
	seen := make(map[string]bool, len(obs.Events))
	for _, y := range feedtest.Sealed[event.JGBYield](tb, obs, now) {
		k := key(y)
		require.Falsef(tb, seen[k], "key %s repeats", k)
		seen[k] = true
	}
	require.Truef(tb, slices.IsSortedFunc(obs.Events, func(a, b event.Event) int {
		ya, yb := a.(*event.JGBYield), b.(*event.JGBYield)
		if c := ya.ObservedAt.Compare(yb.ObservedAt); c != 0 {
			return c
		}
		return int(ya.TenorMonths()) - int(yb.TenorMonths())
	}), "events are not sorted by date, then tenor")
}

// at is a business date at the 06:00 UTC close convention.
func at(date string) time.Time {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.Add(6 * time.Hour)
}

// mofBody builds a UTF-8 MoF body from data rows under the real title and
// header.
func mofBody(rows ...string) []byte {
	b := []byte("国債金利情報,,,,,,,,,,,,,,,(単位 : %)\n" + mofHeader + "\n")
	for _, r := range rows {
		b = append(b, r+"\n"...)
	}
	return b
}
