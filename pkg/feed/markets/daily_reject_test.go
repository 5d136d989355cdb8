package markets_test

import (
	"bytes"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/feed/markets"
)

// cutLastRow keeps body up to the first n bytes of its last line, the way
// a download cut short ends.
func cutLastRow(body []byte, n int) []byte {
	body = bytes.TrimRight(body, "\n")
	start := bytes.LastIndexByte(body, '\n') + 1
	return body[:start+n]
}

// Garbage, an HTML error page, a truncated body, an empty body and another
// format's body are bad bodies, with the reason.
func TestDailyFormatsRejectWhatIsNotTheirs(t *testing.T) {
	formats := []struct {
		format string
		params map[string]string
		good   string // a real fixture
		cutAt  int    // bytes of the last row kept by the truncation
		cut    string // the error of the truncated body
		other  string // a fixture of another format
		header string // the error for the other format's header
	}{
		{
			format: "fred-csv", good: "usdjpy_fred.csv", cutAt: 7,
			cut:    "parse fred-csv: bad body: line 37: 1 cell where the header has 2",
			other:  "treasury_par_2023.csv",
			header: `parse fred-csv: bad body: header: "1 Mo" is not a FRED series id`,
		},
		{
			format: "treasury-par", good: "treasury_par_2024.csv", cutAt: 20,
			cut:    "parse treasury-par: bad body: line 197: 3 cells where the header has 14",
			other:  "cboe_vix_2023.csv",
			header: `parse treasury-par: bad body: header: no "2 Yr" column (want the Treasury daily par yield curve, Date,"1 Mo",…,"2 Yr",…,"10 Yr",…; got "DATE,OPEN,HIGH,LOW,CLOSE")`,
		},
		{
			format: "cboe-vix", good: "cboe_vix_2025-11.csv", cutAt: 30,
			cut:    "parse cboe-vix: bad body: line 37: 3 cells where the header has 5",
			other:  "fred_vixcls_2024-08.csv",
			header: `parse cboe-vix: bad body: header: want CBOE's index history, DATE,OPEN,HIGH,LOW,CLOSE; got "observation_date,VIXCLS"`,
		},
		{
			format: "history-csv", params: map[string]string{"instrument": "USDJPY"}, good: "history_usdjpy_2008-10.csv", cutAt: 4,
			cut:    `parse history-csv: bad body: line 23: 1 cell where the header has 2`,
			other:  "usdjpy_fred.csv",
			header: `parse history-csv: bad body: header: want a history file, date,value; got "observation_date,DEXJPUS"`,
		},
		{
			format: "history-jgb", params: map[string]string{"tenor": "10Y"}, good: "history_jgb_10y_2016-02.csv", cutAt: 12,
			cut:    `parse history-jgb: bad body: line 22: value: "-" is not a number`,
			other:  "fred_dgs10_2024_date_header.csv",
			header: `parse history-jgb: bad body: header: want a history file, date,value; got "DATE,DGS10"`,
		},
	}
	for _, ft := range formats {
		parse := newParser(t, ft.format, ft.params)
		good := feedtest.Testdata(t, ft.good)
		_, err := parse(good, parseNow)
		require.NoError(t, err, "the good fixture parses")
		cases := []struct {
			name string
			body []byte
			want string
		}{
			{name: "garbage", body: feedtest.Testdata(t, "noise.bin"), want: "parse " + ft.format + ": bad body: not UTF-8 text"},
			{name: "html error page", body: feedtest.Testdata(t, "html_error.html"), want: `got "<!DOCTYPE html>"`},
			{name: "truncated", body: cutLastRow(good, ft.cutAt), want: ft.cut},
			{name: "empty", body: []byte(" \n"), want: "parse " + ft.format + ": bad body: empty body"},
			{name: "another format", body: feedtest.Testdata(t, ft.other), want: ft.header},
		}
		for _, tt := range cases {
			t.Run(ft.format+" "+tt.name, func(t *testing.T) {
				obs, err := parse(tt.body, parseNow)
				feedtest.CheckBadBody(t, obs, err, tt.want)
			})
		}
	}
}

// Rows that are wrong: the header and first rows are real (usdjpy_fred.csv,
// treasury_par_2024.csv, cboe_vix_2025-11.csv, history_jgb_10y_2016-02.csv),
// one cell damaged.
func TestDailyFormatsRejectBadRows(t *testing.T) {
	const (
		fredHead     = "observation_date,DEXJPUS\n2025-11-19,156.63\n"
		treasuryHead = "Date,\"1 Mo\",\"2 Mo\",\"3 Mo\",\"4 Mo\",\"6 Mo\",\"1 Yr\",\"2 Yr\",\"3 Yr\",\"5 Yr\",\"7 Yr\",\"10 Yr\",\"20 Yr\",\"30 Yr\"\n"
		cboeHead     = "DATE,OPEN,HIGH,LOW,CLOSE\n"
	)
	tests := []struct {
		name   string
		format string
		params map[string]string
		body   string
		want   string
	}{
		{name: "exponent", format: "fred-csv", body: fredHead + "2025-11-20,1.5741e2\n",
			want: `line 3: DEXJPUS: "1.5741e2" is not a number`},
		{name: "NaN", format: "fred-csv", body: fredHead + "2025-11-20,NaN\n",
			want: `line 3: DEXJPUS: "NaN" is not a number`},
		{name: "impossible date", format: "fred-csv", body: fredHead + "2025-11-31,157.41\n",
			want: `line 3: observation_date: "2025-11-31" is not a calendar date`},
		{name: "date twice", format: "fred-csv", body: fredHead + "2025-11-19,157.41\n",
			want: "line 3: second USDJPY value for 2025-11-19 (the first is on line 2)"},
		{name: "value the event model rejects", format: "fred-csv", body: fredHead + "2025-11-20,15741\n",
			want: "line 3: USDJPY on 2025-11-20: value: value out of range: 15741"},
		{name: "extra cell", format: "fred-csv", body: fredHead + "2025-11-20,157.41,\n",
			want: "line 3: 3 cells where the header has 2"},
		{name: "header without series", format: "fred-csv", body: "observation_date\n2025-11-20\n",
			want: `header: want observation_date,SERIES or DATE,SERIES (a FRED download); got "observation_date"`},
		{name: "series twice", format: "fred-csv", body: "observation_date,DGS2,DGS2\n2025-11-20,3.55,3.55\n",
			want: "header: series DGS2 appears twice"},
		{name: "ISO date", format: "treasury-par", body: treasuryHead + "2024-08-05,5.52,5.43,5.35,5.14,4.91,4.34,3.89,3.71,3.62,3.66,3.78,4.16,4.06\n",
			want: `line 2: Date: "2024-08-05" is not an MM/DD/YYYY date`},
		{name: "yield in basis points", format: "treasury-par", body: treasuryHead + "08/05/2024,5.52,5.43,5.35,5.14,4.91,4.34,389,3.71,3.62,3.66,3.78,4.16,4.06\n",
			want: "line 2: UST2Y on 2024-08-05: value: value out of range: 389"},
		{name: "N/A", format: "treasury-par", body: treasuryHead + "08/05/2024,5.52,5.43,5.35,5.14,4.91,4.34,3.89,3.71,3.62,3.66,N/A,4.16,4.06\n",
			want: `line 2: 10 Yr: "N/A" is not a number`},
		{name: "column twice", format: "treasury-par", body: "Date,\"2 Yr\",\"10 Yr\",\"2 Yr\"\n",
			want: `header: column "2 Yr" appears twice`},
		{name: "no CLOSE", format: "cboe-vix", body: "DATE,VIX\n11/20/2025,26.42\n",
			want: `header: no "CLOSE" column (want CBOE's index history, DATE,OPEN,HIGH,LOW,CLOSE; got "DATE,VIX")`},
		{name: "single-digit month", format: "cboe-vix", body: cboeHead + "1/2/1990,17.240000,17.240000,17.240000,17.240000\n",
			want: `line 2: DATE: "1/2/1990" is not an MM/DD/YYYY date`},
		{name: "thousands separator", format: "history-csv", params: map[string]string{"instrument": "BTC-USD"},
			body: "date,value\n2023-12-31,\"42,300.78\"\n", want: `line 2: value: "42,300.78" is not a number`},
		{name: "JGB yield the event model rejects", format: "history-jgb", params: map[string]string{"tenor": "10Y"},
			body: "date,value\n2016-02-09,-20\n", want: "line 2: 10Y on 2016-02-09: yield_pct: value out of range: -20"},
		{name: "extra column", format: "history-csv", params: map[string]string{"instrument": "VIX"},
			body: "date,value,note\n2020-03-16,82.69,covid\n", want: `header: want a history file, date,value; got "date,value,note"`},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.name, func(t *testing.T) {
			obs, err := newParser(t, tt.format, tt.params)([]byte(tt.body), parseNow)
			feedtest.CheckBadBody(t, obs, err, "parse "+tt.format+": bad body: "+tt.want)
		})
	}
}

// The real files carry no byte-order mark, but an editor's resave may add
// one; it is skipped.
func TestDailyFormatsSkipAByteOrderMark(t *testing.T) {
	body := append([]byte("\ufeff"), feedtest.Testdata(t, "usdjpy_fred.csv")...)
	obs, err := newParser(t, markets.FormatFRED, nil)(body, parseNow)
	require.NoError(t, err)
	assert.Len(t, obs.Events, 34)
}
