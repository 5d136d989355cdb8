package markets_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
)

// parseNow is the fetch time of the daily-series tests: after every
// fixture's last date.
var parseNow = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// newParser builds the parser of format with params, failing the test on
// error.
func newParser(tb testing.TB, format string, params map[string]string) feed.Parser {
	tb.Helper()
	f, err := feed.Lookup(markets.Formats(), format)
	require.NoError(tb, err)
	return feedtest.NewParser(tb, f.New, params)
}

// quoteKey names a quote in the maps the tests compare: "USDJPY 2025-11-20".
func quoteKey(q *event.MarketQuote) string {
	return q.Instrument + " " + q.ObservedAt.UTC().Format(time.DateOnly)
}

// quotesOf checks obs (see checkDaily) and returns its quotes by quoteKey.
func quotesOf(tb testing.TB, obs feed.Observations) map[string]*event.MarketQuote {
	tb.Helper()
	checkDaily(tb, obs)
	out := make(map[string]*event.MarketQuote, len(obs.Events))
	for i, e := range obs.Events {
		q, ok := e.(*event.MarketQuote)
		require.Truef(tb, ok, "event %d is %T", i, e)
		out[quoteKey(q)] = q
	}
	return out
}

// checkDaily asserts what every successful parse must give: unsealed
// events that seal and validate at parseNow, one per key and UTC date,
// sorted by observation time and then key.
func checkDaily(tb testing.TB, obs feed.Observations) {
	tb.Helper()
	seen := make(map[string]bool, len(obs.Events))
	for i, e := range obs.Events {
		require.Emptyf(tb, e.Header().ID, "event %d is sealed already", i)
		var sealed event.Event
		switch e := e.(type) {
		case *event.MarketQuote:
			c := *e
			sealed = &c
		case *event.JGBYield:
			c := *e
			sealed = &c
		default:
			tb.Fatalf("event %d is %T", i, e)
		}
		event.Seal(sealed, parseNow)
		require.NoErrorf(tb, sealed.Validate(parseNow), "event %d: %+v", i, e)
		k := e.Key() + " " + e.Header().ObservedAt.UTC().Format(time.DateOnly)
		require.Falsef(tb, seen[k], "%s twice", k)
		seen[k] = true
	}
	require.True(tb, slices.IsSortedFunc(obs.Events, func(a, b event.Event) int {
		return cmp.Or(a.Header().ObservedAt.Compare(b.Header().ObservedAt), strings.Compare(a.Key(), b.Key()))
	}), "events are not sorted by time, then key")
}

// utc is a date at a UTC time of day, e.g. utc("2025-11-20", 17).
func utc(date string, hour int) time.Time {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

// dailyCase is a testdata file and the quotes a daily format reads from it.
type dailyCase struct {
	name           string
	file           string
	params         map[string]string
	wantEvents     int
	wantSource     string
	wantInstrument string // checked where not empty
	wantUnit       string
	wantKind       string             // event.QuoteClose where empty
	wantHour       int                // the UTC hour of every quote; 21 where zero
	want           map[string]float64 // quoteKey → value, quoted from the file
	wantAbsent     []string           // keys with an empty or "." value
}

// runDailyCases parses each case's file at parseNow with format's parser
// and checks the quotes: no warnings, the count, the quoted values, no
// event for a missing value, and every quote's source, unit, kind and time
// of day.
func runDailyCases(t *testing.T, format string, tests []dailyCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := newParser(t, format, tt.params)(feedtest.Testdata(t, tt.file), parseNow)
			require.NoError(t, err)
			assert.Empty(t, obs.Warnings)
			got := quotesOf(t, obs)
			require.Len(t, got, tt.wantEvents)
			for k, v := range tt.want {
				require.Contains(t, got, k)
				assert.Equal(t, v, got[k].Value, k)
			}
			for _, k := range tt.wantAbsent {
				assert.NotContains(t, got, k, "a missing value gives no event, never a zero")
			}
			wantKind := cmp.Or(tt.wantKind, event.QuoteClose)
			wantHour := time.Duration(cmp.Or(tt.wantHour, 21)) * time.Hour
			for _, q := range got {
				assert.Equal(t, tt.wantSource, q.Source)
				if tt.wantInstrument != "" {
					assert.Equal(t, tt.wantInstrument, q.Instrument)
				}
				assert.Equal(t, tt.wantUnit, q.Unit)
				assert.Equal(t, wantKind, q.Kind)
				assert.Equal(t, wantHour, q.ObservedAt.Sub(q.ObservedAt.Truncate(24*time.Hour)), quoteKey(q))
				assert.Empty(t, q.DerivedFrom)
			}
		})
	}
}
