package etfflows

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

func TestFormats(t *testing.T) {
	fs := Formats()
	feedtest.CheckFormats(t, fs, "etf-csv", "farside-csv", "farside-html", "sosovalue")
	var tests []feedtest.ParamCase
	for _, f := range fs {
		tests = append(tests,
			feedtest.ParamCase{Name: f.Name + "/defaults", Format: f.Name},
			feedtest.ParamCase{Name: f.Name + "/asset and source", Format: f.Name, Params: map[string]string{"asset": "ETH", "source": "mirror-1"}})
	}
	feedtest.CheckParams(t, fs, tests)
	f, err := feed.Lookup(fs, "farside-html")
	require.NoError(t, err)
	assert.Equal(t, FormatFarsideHTML, f.Name)
}

func TestFormatsBadParams(t *testing.T) {
	bad := []struct {
		name    string
		params  map[string]string
		wantErr string
	}{
		{name: "unknown", params: map[string]string{"tz": "UTC"}, wantErr: `unknown parameter "tz" (known: asset, source`},
		{name: "asset with a dot", params: map[string]string{"asset": "BTC.X"}, wantErr: `asset "BTC.X" must be 1-12 of [A-Z0-9]`},
		{name: "empty asset", params: map[string]string{"asset": ""}, wantErr: `asset "" must be`},
		{name: "upper-case source", params: map[string]string{"source": "Farside"}, wantErr: `source "Farside" must be 1-64 of lowercase`},
		{name: "empty source", params: map[string]string{"source": ""}, wantErr: `source "" must be`},
	}
	var tests []feedtest.ParamCase
	for _, f := range Formats() {
		for _, b := range bad {
			tests = append(tests, feedtest.ParamCase{
				Name: f.Name + "/" + b.name, Format: f.Name, Params: b.params,
				WantErr: "format " + f.Name + ": bad format parameter: " + b.wantErr,
			})
		}
	}
	feedtest.CheckParams(t, Formats(), tests)
}

func TestObservedAt(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		day  time.Time
		want time.Time
	}{
		{name: "winter, 16:00 EST", day: time.Date(2024, time.January, 15, 0, 0, 0, 0, time.UTC), want: time.Date(2024, time.January, 15, 21, 0, 0, 0, time.UTC)},
		{name: "summer, 17:00 EDT", day: time.Date(2024, time.August, 5, 0, 0, 0, 0, time.UTC), want: time.Date(2024, time.August, 5, 21, 0, 0, 0, time.UTC)},
		{name: "calendar date in its own zone", day: time.Date(2024, time.August, 5, 3, 0, 0, 0, tokyo), want: time.Date(2024, time.August, 5, 21, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ObservedAt(tt.day))
		})
	}
}

// TestSameObservationSameID: an event read from the page and the same
// day read from the CSV get the same id, so a redelivery is dropped.
func TestSameObservationSameID(t *testing.T) {
	html := feedtest.NewParser(t, NewFarsideHTML, nil)
	csv := feedtest.NewParser(t, NewFarsideCSV, nil)
	fromHTML, err := html(feedtest.Testdata(t, "farside_btc_2024-08.html"), testNow)
	require.NoError(t, err)
	fromCSV, err := csv(feedtest.Testdata(t, "farside_btc_2024.csv"), testNow.Add(time.Hour))
	require.NoError(t, err)
	id := func(obs feed.Observations, key string) string {
		for _, e := range obs.Events {
			if e.Key() == key {
				f := *e.(*event.ETFFlow)
				event.Seal(&f, testNow)
				return f.ID
			}
		}
		return ""
	}
	for _, key := range []string{"BTC/TOTAL/2024-08-02", "BTC/GBTC/2024-08-05"} {
		a, b := id(fromHTML, key), id(fromCSV, key)
		require.NotEmpty(t, a, key)
		assert.Equal(t, a, b, key)
	}
}
