package jgb_test

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed/jgb"
)

func TestParseMoFFixtures(t *testing.T) {
	// Expected values are read off the fixture text by eye; counts are rows
	// × 15 tenors, none of them "-" (see testdata/README.md).
	current := map[string]float64{
		"2025-12-01/1Y":  0.811,
		"2025-12-01/2Y":  1.02,
		"2025-12-01/10Y": 1.881,
		"2025-12-01/40Y": 3.592,
		"2025-12-02/10Y": 1.864,
		"2025-12-03/5Y":  1.4,
		"2025-12-03/30Y": 3.367,
	}
	all := map[string]float64{
		"2025-10-31/2Y":  0.928,
		"2025-10-31/10Y": 1.67,
		"2025-10-31/30Y": 3.068,
		"2025-11-28/10Y": 1.812,
		"2025-11-28/25Y": 3.19,
		"2025-12-22/2Y":  1.129,
		"2025-12-22/10Y": 2.073,
		"2025-12-30/1Y":  0.906,
		"2025-12-30/10Y": 2.066,
		"2025-12-30/40Y": 3.475,
	}
	for k, v := range current {
		all[k] = v // the extract repeats the current month's rows
	}
	tests := []struct {
		name       string
		file       string
		wantEvents int
		wantFirst  string // first event's key
		wantLast   string // last event's key
		want       map[string]float64
		wantAbsent []string
	}{
		{
			name:       "current month cp932 crlf",
			file:       currentCP932,
			wantEvents: 3 * 15,
			wantFirst:  "2025-12-01/1Y",
			wantLast:   "2025-12-03/40Y",
			want:       current,
			wantAbsent: []string{"2025-12-04/10Y", "2025-11-28/10Y", "2025-12-01/11Y", "2025-12-01/35Y"},
		},
		{
			name:       "current month utf8 crlf",
			file:       currentUTF8,
			wantEvents: 3 * 15,
			wantFirst:  "2025-12-01/1Y",
			wantLast:   "2025-12-03/40Y",
			want:       current,
			wantAbsent: []string{"2025-12-04/10Y"},
		},
		{
			name:       "all extract cp932 lf",
			file:       allCP932,
			wantEvents: 41 * 15,
			wantFirst:  "2025-10-31/1Y",
			wantLast:   "2025-12-30/40Y",
			want:       all,
			wantAbsent: []string{"2025-11-01/10Y", "2025-11-03/10Y", "2025-11-24/10Y", "2025-12-31/10Y"},
		},
		{
			name:       "all extract utf8 lf",
			file:       allUTF8,
			wantEvents: 41 * 15,
			wantFirst:  "2025-10-31/1Y",
			wantLast:   "2025-12-30/40Y",
			want:       all,
			wantAbsent: []string{"2025-11-03/10Y", "2025-11-24/10Y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := jgb.ParseMoF(feedtest.Testdata(t, tt.file), now)
			require.NoError(t, err)
			assert.Empty(t, obs.Warnings)
			require.Len(t, obs.Events, tt.wantEvents)
			assert.Equal(t, tt.wantFirst, key(obs.Events[0].(*event.JGBYield)))
			assert.Equal(t, tt.wantLast, key(obs.Events[len(obs.Events)-1].(*event.JGBYield)))
			got := yields(t, obs, jgb.SourceMoF)
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], k)
			}
			for _, k := range tt.wantAbsent {
				assert.NotContains(t, got, k)
			}
			firstDate, _, _ := strings.Cut(tt.wantFirst, "/")
			assert.Equal(t, firstDate+"T06:00:00Z", obs.Events[0].Header().ObservedAt.Format(time.RFC3339),
				"06:00 UTC, the 15:00 JST close")
			checkEvents(t, obs)
		})
	}
}

func TestParseMoFEncodingsAgree(t *testing.T) {
	tests := []struct {
		name        string
		cp932, utf8 string
	}{
		{name: "current month", cp932: currentCP932, utf8: currentUTF8},
		{name: "all extract", cp932: allCP932, utf8: allUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := jgb.ParseMoF(feedtest.Testdata(t, tt.cp932), now)
			require.NoError(t, err)
			b, err := jgb.ParseMoF(feedtest.Testdata(t, tt.utf8), now)
			require.NoError(t, err)
			assert.Equal(t, a, b)
		})
	}
}

func TestParseMoFDocSample(t *testing.T) {
	obs, err := jgb.ParseMoF(feedtest.Testdata(t, docSample), now)
	require.NoError(t, err)
	got := yields(t, obs, jgb.SourceMoF)
	// S49.9.24 (1974) is after the event model's floor, the Unix epoch: it
	// gives its nine values 1Y–9Y and no event for its "-" tenors 10Y–40Y.
	assert.Equal(t, map[string]float64{
		"1974-09-24/1Y": 10.327, "1974-09-24/2Y": 9.362, "1974-09-24/3Y": 8.83,
		"1974-09-24/4Y": 8.515, "1974-09-24/5Y": 8.348, "1974-09-24/6Y": 8.29,
		"1974-09-24/7Y": 8.24, "1974-09-24/8Y": 8.121, "1974-09-24/9Y": 8.127,
	}, pick(got, "1974-09-24/1Y", "1974-09-24/2Y", "1974-09-24/3Y",
		"1974-09-24/4Y", "1974-09-24/5Y", "1974-09-24/6Y",
		"1974-09-24/7Y", "1974-09-24/8Y", "1974-09-24/9Y"))
	for _, tenor := range []string{"10Y", "15Y", "20Y", "25Y", "30Y", "40Y"} {
		assert.NotContains(t, got, "1974-09-24/"+tenor)
	}
	assert.Empty(t, obs.Warnings)
	assert.Len(t, obs.Events, 9+4*15)
	assert.Equal(t, "1974-09-24/1Y", key(obs.Events[0].(*event.JGBYield)))
	assert.Equal(t, "1974-09-24T06:00:00Z", obs.Events[0].Header().ObservedAt.Format(time.RFC3339))
	assert.Equal(t, map[string]float64{
		"2024-08-02/2Y": 0.41, "2024-08-02/10Y": 0.974, "2024-08-02/40Y": 2.302,
		"2024-08-05/2Y": 0.265, "2024-08-05/10Y": 0.781, "2024-08-05/30Y": 1.956,
		"2025-11-28/10Y": 1.812, "2025-12-01/2Y": 1.02, "2025-12-01/10Y": 1.881,
	}, pick(got, "2024-08-02/2Y", "2024-08-02/10Y", "2024-08-02/40Y",
		"2024-08-05/2Y", "2024-08-05/10Y", "2024-08-05/30Y",
		"2025-11-28/10Y", "2025-12-01/2Y", "2025-12-01/10Y"))
	checkEvents(t, obs)
}

func pick(m map[string]float64, keys ...string) map[string]float64 {
	out := make(map[string]float64, len(keys))
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func TestParseMoFShapes(t *testing.T) {
	r1 := "R7.12.1,0.811,1.02,1.122,1.285,1.397,1.495,1.597,1.698,1.792,1.881,2.45,2.874,3.235,3.343,3.592"
	r2 := "R7.12.2,0.792,1.005,1.107,1.27,1.382,1.473,1.573,1.678,1.773,1.864,2.443,2.862,3.234,3.331,3.556"
	lf := string(mofBody(r1, r2))
	tests := []struct {
		name         string
		body         string
		wantEvents   int
		want         map[string]float64
		wantAbsent   []string
		wantWarnings []string
	}{
		{
			name:       "lf",
			body:       lf,
			wantEvents: 30,
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-02/10Y": 1.864},
		},
		{
			name:       "crlf",
			body:       strings.ReplaceAll(lf, "\n", "\r\n"),
			wantEvents: 30,
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-02/10Y": 1.864},
		},
		{
			name:       "bare cr",
			body:       strings.ReplaceAll(lf, "\n", "\r"),
			wantEvents: 30,
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-02/10Y": 1.864},
		},
		{
			name:       "utf8 bom, no final newline",
			body:       "\ufeff" + strings.TrimSuffix(lf, "\n"),
			wantEvents: 30,
			want:       map[string]float64{"2025-12-02/40Y": 3.556},
		},
		{
			name:       "dash is missing, not zero",
			body:       string(mofBody("R7.12.1,0.811,-,1.122,1.285,1.397,1.495,1.597,1.698,1.792,1.881,2.45,2.874,-,3.343,-")),
			wantEvents: 12,
			want:       map[string]float64{"2025-12-01/1Y": 0.811, "2025-12-01/10Y": 1.881},
			wantAbsent: []string{"2025-12-01/2Y", "2025-12-01/25Y", "2025-12-01/40Y"},
		},
		{
			name:       "whole row dash",
			body:       string(mofBody(r1, "R7.12.2,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-")),
			wantEvents: 15,
			want:       map[string]float64{"2025-12-01/10Y": 1.881},
			wantAbsent: []string{"2025-12-02/1Y", "2025-12-02/10Y", "2025-12-02/40Y"},
		},
		{
			name:       "columns keyed by header text",
			body:       "基準日,10年,2年\nR7.12.1,1.881,1.02\n",
			wantEvents: 2,
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-01/2Y": 1.02},
		},
		{
			name:       "trailing empty header cells and row cells",
			body:       "基準日,2年,10年,,\nR7.12.1,1.02,1.881,,\n",
			wantEvents: 2,
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-01/2Y": 1.02},
		},
		{
			name:       "spaces and quotes around cells",
			body:       "基準日, 2年 ,\"10年\"\n\"R7.12.1\", 1.02 ,\"1.881\"\n",
			wantEvents: 2,
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-01/2Y": 1.02},
		},
		{
			name:       "negative yields",
			body:       "基準日,1年,10年\nH28.7.27,-0.321,-0.156\n",
			wantEvents: 2,
			want:       map[string]float64{"2016-07-27/1Y": -0.321, "2016-07-27/10Y": -0.156},
		},
		{
			name:       "heisei to reiwa",
			body:       "基準日,10年\nH31.4.26,-0.045\nH31.4.30,-0.04\nR1.5.7,-0.05\n",
			wantEvents: 3,
			want:       map[string]float64{"2019-04-26/10Y": -0.045, "2019-04-30/10Y": -0.04, "2019-05-07/10Y": -0.05},
		},
		{
			name:         "blank, notice and unknown trailer rows skipped",
			body:         string(mofBody(r1, ",,,,,,,,,,,,,,,", "", "※最新のcsvデータがダウンロードできない場合、ご利用のブラウザにおいてキャッシュの削除を実施し再度ダウンロードください。,,,,,,,,,,,,,,,", "出典：財務省,,,,,,,,,,,,,,,")),
			wantEvents:   15,
			want:         map[string]float64{"2025-12-01/10Y": 1.881},
			wantWarnings: []string{`line 7 skipped: "出典：財務省" is not an era date like R7.12.1`},
		},
		{
			name:       "header only",
			body:       string(mofBody()),
			wantEvents: 0,
		},
		{
			name:       "showa and heisei rows before 1990 kept",
			body:       "基準日,2年,10年\nS63.12.28,4.5,4.8\nH1.12.28,6.5,5.7\nH2.1.4,6.6,5.9\n",
			wantEvents: 6,
			want: map[string]float64{
				"1988-12-28/2Y": 4.5, "1988-12-28/10Y": 4.8,
				"1989-12-28/2Y": 6.5, "1989-12-28/10Y": 5.7,
				"1990-01-04/2Y": 6.6, "1990-01-04/10Y": 5.9,
			},
		},
		{
			name:         "showa rows before 1970 left out with one warning",
			body:         "基準日,2年,10年\nS44.12.27,7.0,7.1\nS44.12.31,7.0,7.1\nS45.1.1,7.0,7.2\n",
			wantEvents:   2,
			want:         map[string]float64{"1970-01-01/2Y": 7.0, "1970-01-01/10Y": 7.2},
			wantAbsent:   []string{"1969-12-27/2Y", "1969-12-31/10Y"},
			wantWarnings: []string{"left out 2 rows dated before 1970-01-01 (S44.12.27 … S44.12.31): events start on 1970-01-01"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := jgb.ParseMoF([]byte(tt.body), now)
			require.NoError(t, err)
			got := yields(t, obs, jgb.SourceMoF)
			assert.Len(t, obs.Events, tt.wantEvents)
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], k)
			}
			for _, k := range tt.wantAbsent {
				assert.NotContains(t, got, k)
			}
			assert.Equal(t, tt.wantWarnings, obs.Warnings)
			checkEvents(t, obs)
		})
	}
}

func TestParseMoFBadBody(t *testing.T) {
	current := feedtest.Testdata(t, currentUTF8)
	currentSJIS := feedtest.Testdata(t, currentCP932)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write(currentSJIS)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	noise := make([]byte, 2048)
	for i := range noise {
		noise[i] = byte(i*131 + i*i*7 + 3) // deterministic, not text
	}
	r1 := "R7.12.1,0.811,1.02,1.122,1.285,1.397,1.495,1.597,1.698,1.792,1.881,2.45,2.874,3.235,3.343,3.592"
	cut := func(b []byte, after string) []byte {
		i := bytes.Index(b, []byte(after))
		require.GreaterOrEqual(t, i, 0, after)
		return b[:i+len(after)]
	}

	tests := []struct {
		name    string
		body    []byte
		wantErr string
	}{
		{name: "empty", body: nil, wantErr: "empty body"},
		{name: "blank lines", body: []byte("\r\n \n"), wantErr: "empty body"},
		{
			name:    "html error page",
			body:    []byte("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>ページが見つかりません</h1></body></html>\n"),
			wantErr: "no 基準日 header row (want 基準日,1年,2年,…,40年): not a MoF JGB CSV, but an HTML page",
		},
		{name: "binary noise", body: noise, wantErr: "no 基準日 header row"},
		{name: "gzip not decoded", body: gz.Bytes(), wantErr: "no 基準日 header row"},
		{
			name:    "english header",
			body:    []byte("Date,1Y,2Y,10Y\nR7.12.1,0.811,1.02,1.881\n"),
			wantErr: `no 基準日 header row (want 基準日,1年,2年,…,40年): not a MoF JGB CSV; it starts "Date,1Y,2Y,10Y"`,
		},
		{
			name:    "header with english tenor",
			body:    []byte("基準日,1年,2Y\nR7.12.1,0.811,1.02\n"),
			wantErr: `line 1: header column 3 "2Y" is not a tenor like 10年`,
		},
		{
			name:    "header with empty middle column",
			body:    []byte("基準日,1年,,10年\nR7.12.1,0.811,,1.881\n"),
			wantErr: `line 1: header column 3 "" is not a tenor like 10年`,
		},
		{
			name:    "header with zero tenor",
			body:    []byte("基準日,0年\nR7.12.1,0.811\n"),
			wantErr: `line 1: header column 2 "0年" is not a tenor like 10年`,
		},
		{
			name:    "header repeats a tenor",
			body:    []byte("基準日,10年,2年,10年\nR7.12.1,1.881,1.02,1.881\n"),
			wantErr: `line 1: header column 4 "10年" repeats column 2`,
		},
		{
			name:    "header without tenors",
			body:    []byte("基準日\nR7.12.1\n"),
			wantErr: "line 1: header has no tenor columns",
		},
		{
			name:    "data row before header",
			body:    []byte(r1 + "\n" + mofHeader + "\n"),
			wantErr: "line 1: data row R7.12.1 comes before the 基準日 header row on line 2",
		},
		{
			name:    "truncated utf8 file",
			body:    cut(current, "R7.12.3,0.794,1.016"),
			wantErr: "line 5 (R7.12.3): truncated row: 3 cells where the header has 16",
		},
		{
			name:    "truncated cp932 file",
			body:    cut(currentSJIS, "R7.12.3,0.794,1.016,1.1"),
			wantErr: "line 5 (R7.12.3): truncated row: 4 cells where the header has 16",
		},
		{
			name:    "value not a number",
			body:    mofBody(strings.Replace(r1, "1.881", "abc", 1)),
			wantErr: `line 3 (R7.12.1), column 10年: "abc" is not a number or "-"`,
		},
		{
			name:    "empty value",
			body:    mofBody(strings.Replace(r1, ",1.02,", ",,", 1)),
			wantErr: `line 3 (R7.12.1), column 2年: "" is not a number or "-"`,
		},
		{
			name:    "NaN value",
			body:    mofBody(strings.Replace(r1, "1.881", "NaN", 1)),
			wantErr: `line 3 (R7.12.1), column 10年: "NaN" is not a number or "-"`,
		},
		{
			name:    "percent sign",
			body:    mofBody(strings.Replace(r1, "1.881", "1.881%", 1)),
			wantErr: `line 3 (R7.12.1), column 10年: "1.881%" is not a number or "-"`,
		},
		{
			name:    "yield out of range",
			body:    mofBody(strings.Replace(r1, "1.881", "188.1", 1)),
			wantErr: `line 3 (R7.12.1), column 10年: 188.1 % is outside [-10, 30] %`,
		},
		{
			name:    "cell beyond the header",
			body:    mofBody(r1 + ",9.99"),
			wantErr: `line 3 (R7.12.1): cell 17 "9.99" lies beyond the header's 16 columns`,
		},
		{
			name:    "30 February",
			body:    mofBody(strings.Replace(r1, "R7.12.1", "R7.2.30", 1)),
			wantErr: "line 3: date R7.2.30 is not a calendar date: February has no day 30",
		},
		{
			name:    "month 13",
			body:    mofBody(strings.Replace(r1, "R7.12.1", "R7.13.1", 1)),
			wantErr: "line 3: date R7.13.1 is not a calendar date",
		},
		{
			name:    "heisei after its end",
			body:    mofBody(strings.Replace(r1, "R7.12.1", "H32.1.6", 1)),
			wantErr: "line 3: date H32.1.6 (2020-01-06) is outside the Heisei era",
		},
		{
			name:    "reiwa before its start",
			body:    mofBody(strings.Replace(r1, "R7.12.1", "R1.4.26", 1)),
			wantErr: "line 3: date R1.4.26 (2019-04-26) is outside the Reiwa era",
		},
		{
			name:    "date repeats",
			body:    mofBody(r1, strings.Replace(r1, "R7.12.1", "R07.12.01", 1)),
			wantErr: "line 4 (R07.12.01): date 2025-12-01 repeats line 3",
		},
		{
			name:    "date in the future",
			body:    feedtest.Testdata(t, docCurrent),
			wantErr: "line 3 (R8.8.14): 2026-08-14T06:00:00Z is in the future (now 2026-01-01T00:00:00Z)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := jgb.ParseMoF(tt.body, now)
			feedtest.CheckBadBody(t, obs, err, "parse mof-jgb: bad body: "+tt.wantErr)
		})
	}
}

func TestParseMoFFutureRowAtLaterNow(t *testing.T) {
	// The doc's current-month shape (fixture values dated R8.8.14) parses
	// once now is past that day's close.
	later := at("2026-09-01")
	obs, err := jgb.ParseMoF(feedtest.Testdata(t, docCurrent), later)
	require.NoError(t, err)
	got := yields(t, obs, jgb.SourceMoF)
	assert.Len(t, got, 15)
	assert.Equal(t, 2.878, got["2026-08-14/10Y"])
	assert.Empty(t, obs.Warnings)
	for _, e := range obs.Events {
		event.Seal(e, later)
		require.NoError(t, e.Validate(later))
	}
}
