package markets_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// The helpers of the ECB, Coinbase and Kraken tests start with "ex" to keep
// clear of the CSV format tests' helpers in this package; both read
// testdata with feedtest.Testdata and build parsers with newParser.

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
