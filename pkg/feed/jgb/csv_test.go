package jgb_test

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/jgb"
)

func TestParseCSVFixture(t *testing.T) {
	obs, err := jgb.ParseCSV("")(feedtest.Testdata(t, dailyCSV), now)
	require.NoError(t, err)
	assert.Empty(t, obs.Warnings)
	// 200 lines, 50 days × 4 tenors; 136 carry a yield (34 business days).
	require.Len(t, obs.Events, 136)
	checkEvents(t, obs)
	got := yields(t, obs, jgb.SourceCSV)
	assert.Equal(t, 1.881, got["2025-12-01/10Y"])
	assert.Equal(t, 1.02, got["2025-12-01/2Y"])
	assert.Equal(t, 0.928, got["2025-10-31/2Y"])
	assert.Equal(t, 3.362, got["2025-12-19/30Y"])
	assert.NotContains(t, got, "2025-11-01/10Y", "a Saturday, empty yield")
	assert.NotContains(t, got, "2025-11-03/10Y", "Culture Day, empty yield")
	assert.Equal(t, at("2025-10-31"), obs.Events[0].Header().ObservedAt)

	// The file is the same MoF values rewritten: both adapters agree on
	// every one of them.
	mof, err := jgb.ParseMoF(feedtest.Testdata(t, allCP932), now)
	require.NoError(t, err)
	fromMoF := yields(t, mof, jgb.SourceMoF)
	for k, v := range got {
		assert.Equal(t, fromMoF[k], v, k)
	}
}

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name         string
		source       string
		body         string
		wantSource   string
		want         map[string]float64
		wantAt       map[string]time.Time // key → ObservedAt, where it is not at() of the date
		wantWarnings []string
	}{
		{
			name:       "canonical",
			body:       "date,tenor,yield_pct\n2025-12-01,2Y,1.02\n2025-12-01,10Y,1.881\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{"2025-12-01/2Y": 1.02, "2025-12-01/10Y": 1.881},
		},
		{
			name:       "columns by header name, extra columns ignored",
			source:     "bloomberg-export",
			body:       "note,yield_pct,tenor,date\nfirst,1.881,10Y,2025-12-01\n,0.811,1Y,2025-12-01\n",
			wantSource: "bloomberg-export",
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-01/1Y": 0.811},
		},
		{
			name:       "bom, crlf, header case and spaces, comments",
			body:       "\ufeff# JGB closes\r\n Date , TENOR ,Yield_Pct\r\n2025-12-01, 10y , 1.881\r\n# trailer\r\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{"2025-12-01/10Y": 1.881},
		},
		{
			name:       "months tenor",
			body:       "date,tenor,yield_pct\n2025-12-01,6M,0.6\n2025-12-01,3m,0.55\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{"2025-12-01/6M": 0.6, "2025-12-01/3M": 0.55},
		},
		{
			name:       "dash and empty are missing, blank lines skipped",
			body:       "date,tenor,yield_pct\n2025-12-01,2Y,-\n2025-12-01,5Y,\n\n,,\n2025-12-01,10Y,1.881\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{"2025-12-01/10Y": 1.881},
		},
		{
			name:       "rfc 3339 timestamps kept in utc",
			body:       "date,tenor,yield_pct\n2025-12-01T15:00:00+09:00,10Y,1.881\n2025-12-02T00:30:00Z,2Y,1.005\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{"2025-12-01/10Y": 1.881, "2025-12-02/2Y": 1.005},
			wantAt: map[string]time.Time{
				"2025-12-01/10Y": time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC),
				"2025-12-02/2Y":  time.Date(2025, 12, 2, 0, 30, 0, 0, time.UTC),
			},
		},
		{
			name:       "quoted cells, negative yield",
			body:       "\"date\",\"tenor\",\"yield_pct\"\n\"2016-07-27\",\"10Y\",\"-0.156\"\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{"2016-07-27/10Y": -0.156},
		},
		{
			name:       "rows from the epoch on kept",
			body:       "date,tenor,yield_pct\n1989-12-28,10Y,5.7\n1974-09-24,2Y,9.362\n1970-01-01T00:00:00Z,10Y,7.0\n1990-01-04,10Y,5.9\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{"1989-12-28/10Y": 5.7, "1974-09-24/2Y": 9.362, "1970-01-01/10Y": 7.0, "1990-01-04/10Y": 5.9},
			wantAt:     map[string]time.Time{"1970-01-01/10Y": time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		},
		{
			name:         "rows before the epoch left out with one warning",
			body:         "date,tenor,yield_pct\n1969-12-31,10Y,7.0\n1970-01-02,10Y,7.1\n1969-12-31T23:59:59.999Z,2Y,6.9\n",
			wantSource:   "jgb-csv",
			want:         map[string]float64{"1970-01-02/10Y": 7.1},
			wantWarnings: []string{"left out 2 rows dated before 1970-01-01 (1969-12-31 … 1969-12-31T23:59:59.999Z): events start on 1970-01-01"},
		},
		{
			name:       "header only",
			body:       "date,tenor,yield_pct\n",
			wantSource: "jgb-csv",
			want:       map[string]float64{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := jgb.ParseCSV(tt.source)([]byte(tt.body), now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, yields(t, obs, tt.wantSource))
			assert.Equal(t, tt.wantWarnings, obs.Warnings)
			for _, e := range obs.Events {
				k := key(e.(*event.JGBYield))
				want, ok := tt.wantAt[k]
				if !ok {
					want = at(e.Header().ObservedAt.Format(time.DateOnly))
				}
				assert.Equal(t, want, e.Header().ObservedAt, k)
			}
			checkEvents(t, obs)
		})
	}
}

func TestParseCSVBadBody(t *testing.T) {
	const head = "date,tenor,yield_pct\n"
	tests := []struct {
		name    string
		body    []byte
		wantErr string
	}{
		{name: "empty", body: nil, wantErr: "empty body"},
		{name: "spaces", body: []byte(" \r\n"), wantErr: "empty body"},
		{name: "only comments", body: []byte("# nothing\n"), wantErr: "no header row, only comments"},
		{name: "shift_jis mof file", body: feedtest.Testdata(t, currentCP932), wantErr: "not UTF-8 text"},
		{name: "binary noise", body: []byte{0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x80}, wantErr: "not UTF-8 text"},
		{
			name:    "utf8 mof file",
			body:    feedtest.Testdata(t, currentUTF8),
			wantErr: `header: no "date" column (want date,tenor,yield_pct in any order; got "国債金利情報 (令和7年12月),,,,,,,,,,,,,,,(単位 : %)")`,
		},
		{
			name:    "html error page",
			body:    []byte("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>\n"),
			wantErr: `header: no "date" column`,
		},
		{name: "missing yield column", body: []byte("date,tenor,yield\n2025-12-01,10Y,1.881\n"), wantErr: `header: no "yield_pct" column`},
		{name: "repeated column", body: []byte("date,tenor,yield_pct,Date\n"), wantErr: `header: column "date" appears twice (columns 1 and 4)`},
		{name: "truncated row", body: []byte(head + "2025-12-01,10Y,1.881\n2025-12-02,10"), wantErr: "line 3: 2 cells where the header has 3"},
		{name: "extra cell", body: []byte(head + "2025-12-01,10Y,1.881,x\n"), wantErr: "line 2: 4 cells where the header has 3"},
		{name: "bare quote", body: []byte(head + "2025-12-01,10Y,1.8\"81\n"), wantErr: `parse error on line 2, column 19: bare " in non-quoted-field`},
		{name: "us date", body: []byte(head + "12/01/2025,10Y,1.881\n"), wantErr: `line 2: date: "12/01/2025" is not YYYY-MM-DD or an RFC 3339 timestamp`},
		{name: "no such day", body: []byte(head + "2025-02-30,10Y,1.881\n"), wantErr: `line 2: date: "2025-02-30" is not a calendar date`},
		{name: "empty date", body: []byte(head + ",10Y,1.881\n"), wantErr: `line 2: date: "" is not YYYY-MM-DD`},
		{name: "tenor without unit", body: []byte(head + "2025-12-01,10,1.881\n"), wantErr: `line 2: tenor: "10" is not like 2Y, 10Y or 6M`},
		{name: "tenor zero", body: []byte(head + "2025-12-01,0Y,1.881\n"), wantErr: `line 2: tenor: "0Y" is not like 2Y, 10Y or 6M`},
		{name: "tenor too long", body: []byte(head + "2025-12-01,100Y,1.881\n"), wantErr: `line 2: tenor: "100Y" is not like 2Y, 10Y or 6M`},
		{name: "yield not a number", body: []byte(head + "2025-12-01,10Y,n/a\n"), wantErr: `line 2: yield_pct: "n/a" is not a number or "-"`},
		{name: "yield with percent", body: []byte(head + "2025-12-01,10Y,1.881%\n"), wantErr: `line 2: yield_pct: "1.881%" is not a number or "-"`},
		{name: "yield infinite", body: []byte(head + "2025-12-01,10Y,+Inf\n"), wantErr: `line 2: yield_pct: "+Inf" is not a number or "-"`},
		{name: "yield in basis points", body: []byte(head + "2025-12-01,10Y,188.1\n"), wantErr: "line 2: yield_pct: 188.1 % is outside [-10, 30] %"},
		{name: "future date", body: []byte(head + "2026-01-02,10Y,2.1\n"), wantErr: "line 2: date: 2026-01-02T06:00:00Z is in the future (now 2026-01-01T00:00:00Z)"},
		{name: "repeated tenor and day", body: []byte(head + "2025-12-01,10Y,1.881\n2025-12-01,10y,1.9\n"), wantErr: "line 3: tenor 10Y on 2025-12-01 repeats line 2"},
		{
			name:    "repeated tenor and day by timestamp",
			body:    []byte(head + "2025-12-01,10Y,1.881\n2025-12-01T01:00:00Z,10Y,1.9\n"),
			wantErr: "line 3: tenor 10Y on 2025-12-01 repeats line 2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := jgb.ParseCSV("")(tt.body, now)
			feedtest.CheckBadBody(t, obs, err, "parse jgb-csv: bad body: "+tt.wantErr)
		})
	}
}

func TestParseCSVBadSource(t *testing.T) {
	tests := []struct {
		name   string
		source string
	}{
		{name: "upper case", source: "JGB"},
		{name: "space", source: "my source"},
		{name: "leading dot", source: ".jgb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jgb.ParseCSV(tt.source)(feedtest.Testdata(t, dailyCSV), now)
			assert.ErrorIs(t, err, feed.ErrBadParam)
			assert.NotErrorIs(t, err, feed.ErrBadBody)
			assert.ErrorContains(t, err, "parse jgb-csv: bad format parameter: source")
		})
	}
}
