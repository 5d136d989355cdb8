package fedodds

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZQFuturesBodies(t *testing.T) {
	now := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	wantDec := map[int]float64{-25: 31.0 / 44, 0: 13.0 / 44}
	wantJan := map[int]float64{-50: 403.0 / 1936, -25: 1130.0 / 1936, 0: 403.0 / 1936}
	tests := []struct {
		name       string
		body       []byte
		params     map[string]string
		wantSource string
	}{
		{name: "csv with CME codes", body: feedtest.Testdata(t, "zq_nov2025.csv"), wantSource: SourceZQ},
		{name: "json endpoint", body: feedtest.Testdata(t, "zq_nov2025.json"), wantSource: SourceZQ},
		{name: "source param", body: feedtest.Testdata(t, "zq_nov2025.json"), params: map[string]string{"source": "cme-settle"}, wantSource: "cme-settle"},
		{name: "effr param is not needed when Nov anchors", body: feedtest.Testdata(t, "zq_nov2025.csv"), params: map[string]string{"effr": "4.5"}, wantSource: SourceZQ},
		{
			name:       "csv columns in any order, two-digit codes, BOM, CRLF",
			body:       []byte("\xef\xbb\xbfPrice,Contract,Date,settle_time\r\n96.12,ZQX25,2025-11-21,x\r\n96.245,ZQZ25,2025-11-21,x\r\n96.305,ZQF26,2025-11-21,x\r\n96.37,ZQG26,2025-11-21,x\r\n"),
			wantSource: SourceZQ,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := feedtest.NewParser(t, ZQFutures, tt.params)
			obs, err := p(tt.body, now)
			require.NoError(t, err)
			assert.Empty(t, obs.Warnings)
			events := fedOdds(t, obs, now)
			require.Len(t, events, 2)
			for _, e := range events {
				assert.Equal(t, tt.wantSource, e.Source)
				assert.Equal(t, time.Date(2025, 11, 21, 21, 0, 0, 0, time.UTC), e.ObservedAt)
			}
			assert.Equal(t, "2025-12-10", events[0].Meeting)
			assertOutcomes(t, wantDec, events[0].Outcomes, 1e-12)
			assert.Equal(t, "2026-01-28", events[1].Meeting)
			assertOutcomes(t, wantJan, events[1].Outcomes, 1e-12)
		})
	}
}

func TestZQFuturesStartRate(t *testing.T) {
	now := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	body := []byte(`{"as_of": "2025-11-21", "prices": [{"contract": "ZQZ5", "price": 96.245}]}`)
	tests := []struct {
		name     string
		params   map[string]string
		wantDrop float64
	}{
		// Target midpoint 3.875 (range 3.75–4.00 on 21 Nov 2025): see
		// TestFedWatchRules "midpoint start rate".
		{name: "target midpoint by default", wantDrop: 3.72 / 5.5},
		{name: "effr param", params: map[string]string{"effr": "3.88"}, wantDrop: 31.0 / 44},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := feedtest.NewParser(t, ZQFutures, tt.params)(body, now)
			require.NoError(t, err)
			events := fedOdds(t, obs, now)
			require.Len(t, events, 1)
			assertOutcomes(t, map[int]float64{-25: tt.wantDrop, 0: 1 - tt.wantDrop}, events[0].Outcomes, 1e-12)
		})
	}
}

func TestZQFuturesObservedAt(t *testing.T) {
	body := func(asOf string) []byte {
		return []byte(`{"as_of": "` + asOf + `", "prices": [{"contract": "2025-11", "price": 96.12}, {"contract": "2025-12", "price": 96.245}]}`)
	}
	tests := []struct {
		name    string
		asOf    string
		now     time.Time
		want    time.Time
		wantErr string
	}{
		{name: "date at 21:00 UTC", asOf: "2025-11-21", now: testNow, want: time.Date(2025, 11, 21, 21, 0, 0, 0, time.UTC)},
		{name: "today before 21:00 UTC is now", asOf: "2025-11-27", now: testNow, want: testNow},
		{name: "timestamp kept", asOf: "2025-11-21T16:53:00-05:00", now: testNow, want: time.Date(2025, 11, 21, 21, 53, 0, 0, time.UTC)},
		{name: "future date", asOf: "2025-11-28", now: testNow, wantErr: "date 2025-11-28 is after today (2025-11-27)"},
		{name: "future timestamp", asOf: "2025-11-27T16:00:00Z", now: testNow, wantErr: "is after now"},
		{name: "not a date", asOf: "21/11/2025", now: testNow, wantErr: `"21/11/2025" is neither a YYYY-MM-DD date nor an RFC 3339 timestamp`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := feedtest.NewParser(t, ZQFutures, nil)(body(tt.asOf), tt.now)
			if tt.wantErr != "" {
				feedtest.CheckBadBody(t, obs, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			events := fedOdds(t, obs, tt.now)
			require.Len(t, events, 1)
			assert.Equal(t, tt.want, events[0].ObservedAt)
		})
	}
}

func TestZQFuturesBadBodies(t *testing.T) {
	now := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		body    string
		wantMsg string
	}{
		{name: "empty", body: "  \n", wantMsg: "zq-futures: empty body"},
		{name: "html error page", body: "<html><body>502 Bad Gateway</body></html>", wantMsg: "CSV header must name date, contract and price"},
		{name: "header only", body: "date,contract,price\n", wantMsg: "CSV has a header but no rows"},
		{name: "missing column", body: "date,price\n2025-11-21,96.1\n", wantMsg: "CSV header must name date, contract and price"},
		{name: "short row", body: "date,contract,price\n2025-11-21,ZQZ5\n", wantMsg: "line 2: 2 fields, want at least 3"},
		{name: "bad contract", body: "date,contract,price\n2025-11-21,ZQA5,96.1\n", wantMsg: `line 2: contract "ZQA5": 'A' is not a futures month letter`},
		{name: "bad price", body: "date,contract,price\n2025-11-21,ZQZ5,n/a\n", wantMsg: `line 2 (2025-12): price "n/a" is not a number`},
		{name: "price is a rate", body: "date,contract,price\n2025-11-21,ZQZ5,3.87\n", wantMsg: "price 3.87 is outside [75, 101]"},
		{name: "conflicting prices", body: "date,contract,price\n2025-11-21,ZQZ5,96.1\n2025-11-21,2025-12,96.2\n", wantMsg: "line 3: two prices for 2025-12"},
		{name: "bare quote", body: "date,contract,price\n2025-11-21,\"ZQZ5,96.1\n", wantMsg: "zq-futures:"},
		// Found by FuzzZQFutures: an unterminated quote leaves no record,
		// and asking the csv.Reader for its position then panicked.
		{name: "unterminated quote", body: "dAte,ContrACt,priCe\n2000\"00000000000000000", wantMsg: `zq-futures: parse error on line 2, column 5: bare " in non-quoted-field`},
		{name: "no meeting covered", body: "date,contract,price\n2025-11-21,ZQX5,96.12\n", wantMsg: "no meeting odds computed: 2025-11-21: no upcoming FOMC meeting in the priced months 2025-11..2025-11"},
		{name: "year not in calendar", body: "date,contract,price\n1998-07-01,1998-07,94.5\n", wantMsg: "1998-07: date not covered by the shipped FOMC calendar"},
		{name: "json not an object", body: `[1, 2]`, wantMsg: "JSON body is not {\"as_of\":..., \"prices\":[...]}"},
		{name: "json without as_of", body: `{"prices": [{"contract": "2025-12", "price": 96.1}]}`, wantMsg: "JSON body has no as_of"},
		{name: "json without prices", body: `{"as_of": "2025-11-21"}`, wantMsg: "JSON body has no prices"},
		{name: "json contract missing", body: `{"as_of": "2025-11-21", "prices": [{"price": 96.1}]}`, wantMsg: "prices[0]: no contract"},
		{name: "json price not a number", body: `{"as_of": "2025-11-21", "prices": [{"contract": "2025-12", "price": "high"}]}`, wantMsg: "JSON body is not"},
		{name: "json trailing data", body: `{"as_of": "2025-11-21", "prices": []} {}`, wantMsg: "trailing data"},
		{name: "json truncated", body: `{"as_of": "2025-11-21", "prices": [{"contract": "2025-12", "pri`, wantMsg: "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := feedtest.NewParser(t, ZQFutures, nil)([]byte(tt.body), now)
			feedtest.CheckBadBody(t, obs, err, tt.wantMsg)
		})
	}
}

func TestZQFuturesStaleHistory(t *testing.T) {
	// 20 Nov 2026: the Jul–Oct 2026 decisions are not shipped, so the
	// midpoint is unknown. Nov 2026 has no meeting and anchors Dec, so a
	// body with the Nov contract needs no start rate; one without it needs
	// effr.
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	withNov := []byte("date,contract,price\n2026-11-20,ZQX6,96.37\n2026-11-20,ZQZ6,96.45\n")
	noNov := []byte("date,contract,price\n2026-11-20,ZQZ6,96.45\n")

	obs, err := feedtest.NewParser(t, ZQFutures, nil)(withNov, now)
	require.NoError(t, err)
	require.Len(t, fedOdds(t, obs, now), 1)

	obs, err = feedtest.NewParser(t, ZQFutures, nil)(noNov, now)
	feedtest.CheckBadBody(t, obs, err, "target range unknown on that date")
	assert.Contains(t, err.Error(), "pass the effr parameter")

	obs, err = feedtest.NewParser(t, ZQFutures, map[string]string{"effr": "3.63"})(noNov, now)
	require.NoError(t, err)
	require.Len(t, fedOdds(t, obs, now), 1)
}

func TestZQFuturesSeveralDates(t *testing.T) {
	now := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	body := []byte("date,contract,price\n" +
		"2025-11-21,ZQX5,96.12\n2025-11-21,ZQZ5,96.245\n" +
		"2025-11-20,ZQX5,96.12\n2025-11-20,ZQZ5,96.28\n" +
		"2025-11-24,ZQX5,96.12\n")
	obs, err := feedtest.NewParser(t, ZQFutures, nil)(body, now)
	require.NoError(t, err)
	events := fedOdds(t, obs, now)
	require.Len(t, events, 2)
	assert.Equal(t, time.Date(2025, 11, 20, 21, 0, 0, 0, time.UTC), events[0].ObservedAt, "sorted by observation time")
	assert.Equal(t, time.Date(2025, 11, 21, 21, 0, 0, 0, time.UTC), events[1].ObservedAt)
	require.Len(t, obs.Warnings, 1, "the date that covers no meeting is reported")
	assert.Contains(t, obs.Warnings[0], "2025-11-24: no upcoming FOMC meeting")
}

func TestParseContract(t *testing.T) {
	obs := day("2025-11-21")
	tests := []struct {
		name    string
		in      string
		want    ContractMonth
		wantErr string
	}{
		{name: "iso month", in: "2025-12", want: ContractMonth{2025, time.December}},
		{name: "one-digit year", in: "ZQZ5", want: ContractMonth{2025, time.December}},
		{name: "one-digit year next decade", in: "ZQF6", want: ContractMonth{2026, time.January}},
		{name: "one-digit year far", in: "ZQZ2", want: ContractMonth{2032, time.December}},
		{name: "one-digit year just expired", in: "ZQU3", want: ContractMonth{2023, time.September}},
		{name: "two-digit year", in: "ZQZ25", want: ContractMonth{2025, time.December}},
		{name: "old CBOT symbol", in: "FFQ5", want: ContractMonth{2025, time.August}},
		{name: "lower case, spaces", in: " zqh6 ", want: ContractMonth{2026, time.March}},
		{name: "bare month code", in: "X5", want: ContractMonth{2025, time.November}},
		{name: "bad letter", in: "ZQA5", wantErr: "is not a futures month letter"},
		{name: "bad year", in: "ZQZx", wantErr: "is not digits"},
		{name: "garbage", in: "December", wantErr: "is neither YYYY-MM nor a CME code"},
		{name: "bad iso month", in: "2025-13", wantErr: "is neither YYYY-MM nor a CME code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseContract(tt.in, obs)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	assert.Equal(t, "ZQZ5", ContractMonth{2025, time.December}.Code())
	assert.Equal(t, "2025-12", ContractMonth{2025, time.December}.String())
	assert.Equal(t, 29, ContractMonth{2024, time.February}.Days())
}
