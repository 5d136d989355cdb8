package markets_test

import (
	"bytes"
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
// events of one kind (JGB yields from history-jgb, market quotes from the
// others) that seal, validate at parseNow and survive the wire (see
// feedtest.Sealed), one per key and UTC date, sorted by observation time
// and then key.
func checkDaily(tb testing.TB, obs feed.Observations) {
	tb.Helper()
	if len(obs.Events) > 0 {
		if _, yields := obs.Events[0].(*event.JGBYield); yields {
			feedtest.Sealed[event.JGBYield](tb, obs, parseNow)
		} else {
			feedtest.Sealed[event.MarketQuote](tb, obs, parseNow)
		}
	}
	seen := make(map[string]bool, len(obs.Events))
	for _, e := range obs.Events {
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

// The helpers below, of the ECB, Coinbase and Kraken tests, start with "ex"
// to keep clear of the daily-series helpers above; both kinds read testdata
// with feedtest.Testdata and build parsers with newParser.

// exNow is the fetch time of the ECB, Coinbase and Kraken tests unless a
// case says otherwise.
var exNow = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

// exQuotes checks what every successful parse must give (unsealed market
// quotes that seal, validate at now and survive the wire, see
// feedtest.Sealed, at whole milliseconds and with distinct ids) and
// returns the events.
func exQuotes(t testing.TB, obs feed.Observations, now time.Time) []*event.MarketQuote {
	t.Helper()
	var out []*event.MarketQuote
	seen := map[string]bool{}
	for i, c := range feedtest.Sealed[event.MarketQuote](t, obs, now) {
		require.Equal(t, event.Millis(c.ObservedAt), c.ObservedAt)
		require.Falsef(t, seen[c.ID], "duplicate id for %s at %s", c.Instrument, c.ObservedAt)
		seen[c.ID] = true
		out = append(out, obs.Events[i].(*event.MarketQuote))
	}
	return out
}

// exReject is a body a format refuses with feed.ErrBadBody.
type exReject struct {
	name   string
	body   []byte
	params map[string]string
	want   string // a part of the error
}

// exRejects parses each case's body at exNow with format's parser and
// checks the refusal: feed.ErrBadBody, the wanted text, no events.
func exRejects(t *testing.T, format string, cases []exReject) {
	t.Helper()
	for _, c := range cases {
		t.Run(format+"/"+c.name, func(t *testing.T) {
			obs, err := newParser(t, format, c.params)(c.body, exNow)
			feedtest.CheckBadBody(t, obs, err, c.want)
		})
	}
}

// exCloseCase is a fetch time and the daily closes a candle body gives then.
type exCloseCase struct {
	name string
	now  string
	want []*event.MarketQuote
}

// exCloses parses file with format's default parser at each case's fetch
// time and checks the closes.
func exCloses(t *testing.T, format, file string, tests []exCloseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := feedtest.UTC(t, tt.now)
			obs, err := newParser(t, format, nil)(feedtest.Testdata(t, file), now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, exQuotes(t, obs, now))
		})
	}
}

// exClose is the BTC-USD close of date d from source, stamped at the day's
// last second.
func exClose(t testing.TB, source, d string, v float64) *event.MarketQuote {
	return &event.MarketQuote{Meta: event.Meta{Source: source, ObservedAt: feedtest.UTC(t, d+"T23:59:59Z")},
		Instrument: "BTC-USD", Value: v, Unit: "USD", Kind: "close"}
}

// exFuzz fuzzes format's default parser. The seed corpus, which every
// `go test` runs besides what testdata/fuzz/<Name> holds, is the testdata
// files matching pattern and damaged copies of each: cut in half, cut
// short, a byte flipped. Properties: those of feedtest.CheckParse, and a
// success gives valid quotes of the given kind (see exQuotes).
func exFuzz(f *testing.F, format, kind, pattern string) {
	for _, b := range feedtest.Files(f, pattern) {
		f.Add(b)
		if n := len(b); n > 8 {
			flipped := bytes.Clone(b)
			flipped[n/2] ^= 0xff
			f.Add(b[:n/2])
			f.Add(b[:n-7])
			f.Add(flipped)
		}
	}
	parse := newParser(f, format, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		obs, ok := feedtest.CheckParse(t, parse, body, exNow)
		if !ok {
			return
		}
		for _, q := range exQuotes(t, obs, exNow) {
			require.Equal(t, kind, q.Kind)
		}
	})
}
