package etfflows

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestETFCSVFiles(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		wantCount int
		want      []flowCase
	}{
		{
			// The Nov-Dec 2025 flows of the fixtures, in US$ millions, with a
			// note column the parser ignores.
			name:      "flow_usd_m",
			file:      "etf_flows_2025-11.csv",
			wantCount: 11, // 12 rows, one without a flow
			want: []flowCase{
				{name: "4 Nov ARKB", key: "BTC/ARKB/2025-11-04", want: -128100000},
				{name: "4 Nov FBTC", key: "BTC/FBTC/2025-11-04", want: -356600000},
				{name: "4 Nov GBTC", key: "BTC/GBTC/2025-11-04", want: -48900000},
				{name: "4 Nov Total", key: "BTC/TOTAL/2025-11-04", want: -566400000},
				{name: "19 Nov two decimals", key: "BTC/TOTAL/2025-11-19", want: 75470000},
				{name: "15 Dec IBIT reported zero", key: "BTC/IBIT/2025-12-15", want: 0},
				{name: "14 Nov Total empty", key: "BTC/TOTAL/2025-11-14", absent: true},
			},
		},
		{
			name:      "flow_usd",
			file:      "etf_flows_usd.csv",
			wantCount: 6, // 7 rows, one "-"
			want: []flowCase{
				{name: "thousands commas", key: "BTC/TOTAL/2025-11-10", want: 1200000},
				{name: "parentheses", key: "BTC/IBIT/2025-11-18", want: -523000000},
				{name: "plain", key: "BTC/TOTAL/2025-12-17", want: 457000000},
				{name: "dash", key: "BTC/TOTAL/2025-12-18", absent: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := feedtest.NewParser(t, NewETFCSV, nil)
			obs, err := p(feedtest.Testdata(t, tt.file), testNow)
			require.NoError(t, err)
			assert.Empty(t, obs.Warnings)
			got := flows(t, obs)
			assert.Len(t, obs.Events, tt.wantCount)
			for _, f := range got {
				assert.Equal(t, "etf-csv", f.Source)
				assert.Equal(t, 21, f.ObservedAt.Hour())
			}
			checkFlows(t, got, tt.want)
		})
	}
}

func TestETFCSVColumns(t *testing.T) {
	tests := []struct {
		name    string
		params  map[string]string
		body    string
		want    map[string]sosoWant
		wantSrc string
	}{
		{
			name: "aum_usd, any column order and case, BOM",
			body: "\uFEFFTicker, AUM_USD ,Date,Flow_USD\nIBIT,\"70,000,000,000\",2025-11-04,-1.5\nFBTC,-,2025-11-04,0\n",
			want: map[string]sosoWant{
				"BTC/IBIT/2025-11-04": {flow: -1.5, aum: ptr(70000000000)},
				"BTC/FBTC/2025-11-04": {flow: 0},
			},
		},
		{
			name: "asset column, falling back to the param",
			body: "date,asset,ticker,flow_usd_m\n2025-11-04,BTC,total,-566.4\n2025-11-04,eth,TOTAL,1.0\n2025-11-04,,SOLX,2.0\n",
			params: map[string]string{
				"asset": "sol",
			},
			want: map[string]sosoWant{
				"BTC/TOTAL/2025-11-04": {flow: -566400000},
				"ETH/TOTAL/2025-11-04": {flow: 1000000},
				"SOL/SOLX/2025-11-04":  {flow: 2000000},
			},
		},
		{
			name:    "source param",
			params:  map[string]string{"source": "desk.notes"},
			body:    "date,ticker,flow_usd\n2025-11-04,TOTAL,1\n",
			want:    map[string]sosoWant{"BTC/TOTAL/2025-11-04": {flow: 1}},
			wantSrc: "desk.notes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := feedtest.NewParser(t, NewETFCSV, tt.params)
			obs, err := p([]byte(tt.body), testNow)
			require.NoError(t, err)
			got := map[string]sosoWant{}
			for k, f := range flows(t, obs) {
				got[k] = sosoWant{flow: f.FlowUSD, aum: f.AUMUSD}
				if tt.wantSrc != "" {
					assert.Equal(t, tt.wantSrc, f.Source)
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestETFCSVBadBodies(t *testing.T) {
	tests := []struct {
		name    string
		body    []byte
		wantErr string
	}{
		{name: "empty", body: nil, wantErr: "parse etf-csv: bad body: empty body"},
		{name: "wrong header", body: feedtest.Testdata(t, "etf_wrong_header.csv"), wantErr: `header (line 1): no date column (header is "day,fund,amount"`},
		{name: "Farside CSV", body: feedtest.Testdata(t, "farside_btc_2024.csv"), wantErr: "no ticker column"},
		{name: "no flow column", body: []byte("date,ticker,flow\n2025-11-04,IBIT,1\n"), wantErr: "no flow_usd or flow_usd_m column"},
		{name: "both flow columns", body: []byte("date,ticker,flow_usd,flow_usd_m\n2025-11-04,IBIT,1,1\n"), wantErr: "both flow_usd and flow_usd_m"},
		{name: "column twice", body: []byte("date,ticker,flow_usd,Ticker\n2025-11-04,IBIT,1,IBIT\n"), wantErr: "column ticker appears twice"},
		{name: "header only", body: []byte("date,ticker,flow_usd\n"), wantErr: "no data rows below the header"},
		{name: "truncated row", body: []byte("date,ticker,flow_usd_m\n2025-11-04,ARKB,-128.1\n2025-11-04,FB"), wantErr: "line 3: 2 fields but the header has 3: truncated?"},
		{name: "broken quoting", body: []byte("date,ticker,flow_usd_m\n2025-11-04,ARKB,\"-128.1\n"), wantErr: "not CSV"},
		{name: "binary noise", body: feedtest.Testdata(t, "noise.bin"), wantErr: "not UTF-8 text"},
		{name: "HTML page", body: feedtest.Testdata(t, "cloudflare_403.html"), wantErr: `not CSV: parse error on line 1, column 27: bare " in non-quoted-field`},
		{name: "bad date", body: []byte("date,ticker,flow_usd\n04/11/2025,IBIT,1\n"), wantErr: `line 2: date "04/11/2025" is not YYYY-MM-DD`},
		{name: "empty ticker", body: []byte("date,ticker,flow_usd\n2025-11-04,,1\n"), wantErr: "line 2 (2025-11-04): empty ticker"},
		{name: "bad ticker", body: []byte("date,ticker,flow_usd\n2025-11-04,BRK.B,1\n"), wantErr: `ticker: bad format: "BRK.B" must be 1-12 of [A-Z0-9]`},
		{name: "bad asset", body: []byte("date,asset,ticker,flow_usd\n2025-11-04,bitcoin cash,IBIT,1\n"), wantErr: `asset: bad format: "BITCOIN CASH"`},
		{name: "bad number", body: []byte("date,ticker,flow_usd_m\n2025-11-04,IBIT,1.2.3\n"), wantErr: `line 2 (2025-11-04), column flow_usd_m: "1.2.3" is not a number`},
		{name: "bad AUM", body: []byte("date,ticker,flow_usd,aum_usd\n2025-11-04,IBIT,1,lots\n"), wantErr: `column aum_usd: "lots" is not a number`},
		{name: "negative AUM", body: []byte("date,ticker,flow_usd,aum_usd\n2025-11-04,IBIT,1,-1\n"), wantErr: "aum_usd: value out of range"},
		{name: "same key twice", body: []byte("date,ticker,flow_usd\n2025-11-04,IBIT,1\n2025-11-04,ibit,2\n"), wantErr: "line 3 (2025-11-04): second value for BTC IBIT on 2025-11-04 (first at line 2 (2025-11-04))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := feedtest.NewParser(t, NewETFCSV, nil)(tt.body, testNow)
			feedtest.CheckBadBody(t, obs, err, tt.wantErr)
		})
	}
}
