package markets_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
)

// exCross is USDJPY crossed from the ECB's rate strings as the parser
// must compute it: the float64 JPY rate over the float64 USD rate.
func exCross(t testing.TB, jpy, usd string) float64 {
	t.Helper()
	j, err := strconv.ParseFloat(jpy, 64)
	require.NoError(t, err)
	u, err := strconv.ParseFloat(usd, 64)
	require.NoError(t, err)
	return j / u
}

func TestParseECB(t *testing.T) {
	type day struct {
		at       string // observed_at, UTC
		jpy, usd string // the file's rate strings
	}
	tests := []struct {
		name string
		file string
		want []day
	}{
		{
			name: "daily file, a summer day: 14:15 CEST is 12:15 UTC",
			file: "ecb/daily_2022-07-08.xml",
			want: []day{{"2022-07-08T12:15:00Z", "138.05", "1.0163"}},
		},
		{
			name: "90-day file, newest first in the file, oldest first out; CEST until 25 Oct 2020, then CET",
			file: "ecb/hist-90d_2020-12-10_abridged.xml",
			want: []day{
				{"2020-09-14T12:15:00Z", "125.82", "1.1876"},
				{"2020-09-15T12:15:00Z", "125.39", "1.1892"},
				{"2020-10-23T12:15:00Z", "124.17", "1.1856"},
				{"2020-10-26T13:15:00Z", "124.14", "1.1819"},
				{"2020-12-08T13:15:00Z", "126.18", "1.2114"},
				{"2020-12-09T13:15:00Z", "126.05", "1.2109"},
				{"2020-12-10T13:15:00Z", "126.53", "1.2115"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := newParser(t, markets.FormatECBFX, nil)(feedtest.Testdata(t, tt.file), exNow)
			require.NoError(t, err)
			assert.Empty(t, obs.Warnings)
			got := exQuotes(t, obs, exNow)
			require.Len(t, got, len(tt.want))
			for i, w := range tt.want {
				assert.Equal(t, &event.MarketQuote{
					Meta:        event.Meta{Source: "ecb", ObservedAt: feedtest.UTC(t, w.at)},
					Instrument:  "USDJPY",
					Value:       exCross(t, w.jpy, w.usd),
					Unit:        "JPY per USD",
					Kind:        "fixing",
					DerivedFrom: "EURJPY/EURUSD",
				}, got[i], w.at)
			}
		})
	}
}

// The cross keeps the full quotient: 138.05 / 1.0163 on 8 July 2022.
func TestParseECBKeepsTheFullQuotient(t *testing.T) {
	obs, err := markets.ParseECB(feedtest.Testdata(t, "ecb/daily_2022-07-08.xml"), "ecb", exNow)
	require.NoError(t, err)
	require.Len(t, obs.Events, 1)
	assert.Equal(t, 135.83587523369084, obs.Events[0].(*event.MarketQuote).Value)
}

func TestECBFixingTime(t *testing.T) {
	tests := []struct {
		date, want string
	}{
		{"2025-03-28", "2025-03-28T13:15:00Z"}, // Friday before the switch to CEST (30 March)
		{"2025-03-31", "2025-03-31T12:15:00Z"}, // Monday after
		{"2025-10-24", "2025-10-24T12:15:00Z"}, // Friday before the switch back (26 October)
		{"2025-10-27", "2025-10-27T13:15:00Z"},
		{"2025-11-21", "2025-11-21T13:15:00Z"},
		{"1999-01-04", "1999-01-04T13:15:00Z"}, // the first reference rates
	}
	for _, tt := range tests {
		d, err := time.Parse(time.DateOnly, tt.date)
		require.NoError(t, err)
		got, err := markets.ECBFixingTime(d)
		require.NoError(t, err)
		assert.Equal(t, feedtest.UTC(t, tt.want), got, tt.date)
	}
}

// exECBDays wraps day Cubes in the ECB's envelope.
func exECBDays(days ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube>` +
		strings.Join(days, "\n") + `</Cube></gesmes:Envelope>`)
}

func TestParseECBWarnings(t *testing.T) {
	body := exECBDays(
		`<Cube time="2026-11-30"><Cube currency="USD" rate="1.0500"/><Cube currency="JPY" rate="160.00"/></Cube>`,
		`<Cube time="2026-11-27"><Cube currency="USD" rate="1.0400"/></Cube>`,
		`<Cube time="2026-12-01"><Cube currency="USD" rate="1.0600"/><Cube currency="JPY" rate="161.00"/></Cube>`,
	)
	obs, err := markets.ParseECB(body, "ecb", exNow) // 1 Dec 09:30 UTC, before that day's fixing
	require.NoError(t, err)
	got := exQuotes(t, obs, exNow)
	require.Len(t, got, 1)
	assert.Equal(t, feedtest.UTC(t, "2026-11-30T13:15:00Z"), got[0].ObservedAt)
	assert.Equal(t, []string{
		"2026-11-27: no USD and JPY rates both (USD true, JPY false); day skipped",
		"2026-12-01: fixing at 2026-12-01T13:15:00Z is after the fetch time 2026-12-01T09:30:00Z; day skipped",
	}, obs.Warnings)
}

func TestParseECBRejects(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"an HTML error page", feedtest.Testdata(t, "ecb/bad_html_error.html"), `an HTML page, not the ECB's XML: "<!DOCTYPE HTML PUBLIC`},
		{"truncated", feedtest.Testdata(t, "ecb/bad_truncated.xml"), "truncated XML: the body ends inside an element after 699 bytes"},
		{"decimal commas (a locale-converted copy)", feedtest.Testdata(t, "ecb/bad_comma_decimals_2026-03-13.xml"), `USD on 2026-03-13: rate "1,1476" is not a plain decimal number`},
		{"empty", []byte(" \n"), "empty body"},
		{"JSON", []byte(`{"rates":{"USD":1.05}}`), `not XML: "{\"rates\":{\"USD\":1.05}}"`},
		{"binary", []byte{0x1f, 0x8b, 0x08, 0x00, 0xff}, "binary data, not XML"},
		{"another XML document", []byte(`<?xml version="1.0"?><rss><channel/></rss>`), "not a gesmes:Envelope: expected element type <Envelope> but have <rss>"},
		{"invalid XML", []byte(`<gesmes:Envelope><Cube></gesmes:Envelope>`), "invalid XML at line 1"},
		{"no dated Cube", exECBDays(), "no dated Cube in the envelope"},
		{"a bad date", exECBDays(`<Cube time="10/07/2022"><Cube currency="USD" rate="1.0"/></Cube>`), `Cube time "10/07/2022" is not a YYYY-MM-DD date`},
		{"a day twice", exECBDays(
			`<Cube time="2022-07-08"><Cube currency="USD" rate="1.0163"/><Cube currency="JPY" rate="138.05"/></Cube>`,
			`<Cube time="2022-07-08"><Cube currency="USD" rate="1.0163"/><Cube currency="JPY" rate="138.05"/></Cube>`), "the day 2022-07-08 appears twice"},
		{"a zero rate", exECBDays(`<Cube time="2022-07-08"><Cube currency="USD" rate="0.0000"/><Cube currency="JPY" rate="138.05"/></Cube>`), `USD on 2022-07-08: rate "0.0000" is zero`},
		{"a negative rate", exECBDays(`<Cube time="2022-07-08"><Cube currency="USD" rate="-1.0163"/></Cube>`), `rate "-1.0163" is not a plain decimal number`},
		{"no day with both rates", exECBDays(`<Cube time="2022-07-08"><Cube currency="GBP" rate="0.84585"/></Cube>`), "no day with both a USD and a JPY rate; 2022-07-08: no USD and JPY rates both (USD false, JPY false); day skipped"},
		{"a cross out of range", exECBDays(`<Cube time="2022-07-08"><Cube currency="USD" rate="0.0001"/><Cube currency="JPY" rate="138.05"/></Cube>`), "2022-07-08: USDJPY fixing at 2022-07-08T12:15:00Z: value: value out of range"},
		{"text after the envelope", append(feedtest.Testdata(t, "ecb/daily_2022-07-08.xml"), []byte("<html>")...), "data after the closing </gesmes:Envelope>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := newParser(t, markets.FormatECBFX, nil)(tt.body, exNow)
			feedtest.CheckBadBody(t, obs, err, tt.want)
			assert.Contains(t, err.Error(), "ecb reference rates: bad body: ")
		})
	}
}

// A comment after the envelope (a cache's stamp) is not data.
func TestParseECBAllowsATrailingComment(t *testing.T) {
	body := append(feedtest.Testdata(t, "ecb/daily_2022-07-08.xml"), []byte("\n<!-- cached 8 July 2022 -->\n")...)
	obs, err := markets.ParseECB(body, "ecb", exNow)
	require.NoError(t, err)
	assert.Len(t, obs.Events, 1)
}

// The source parameter names the quotes' source; its refusals are in
// TestExchangeParams.
func TestECBSourceParam(t *testing.T) {
	obs, err := newParser(t, markets.FormatECBFX, map[string]string{"source": "ecb.eurofxref"})(feedtest.Testdata(t, "ecb/daily_2022-07-08.xml"), exNow)
	require.NoError(t, err)
	assert.Equal(t, "ecb.eurofxref", exQuotes(t, obs, exNow)[0].Source)
}

// FuzzECB runs ParseECB on the ECB testdata and broken copies of it in
// every `go test`, and on anything `go test -fuzz=FuzzECB` finds.
func FuzzECB(f *testing.F) {
	for _, s := range []string{
		"",
		"<",
		`<gesmes:Envelope><Cube><Cube time="2022-07-08"><Cube currency="USD" rate="1e3"/><Cube currency="JPY" rate="NaN"/></Cube></Cube></gesmes:Envelope>`,
		`<gesmes:Envelope><Cube><Cube time="9999-12-31"><Cube currency="USD" rate="1.0"/><Cube currency="JPY" rate="150"/></Cube></Cube></gesmes:Envelope>`,
		`<gesmes:Envelope><Cube><Cube time="1969-12-31"><Cube currency="USD" rate="1.0"/><Cube currency="JPY" rate="150"/></Cube></Cube></gesmes:Envelope>`,
	} {
		f.Add([]byte(s))
	}
	exFuzz(f, markets.FormatECBFX, event.QuoteFixing, "ecb/*")
}
