package etfflows

import (
	"strings"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// fuzzParser fuzzes one format. The seed corpus is every file in testdata
// (each format also gets the others' files, which it must reject cleanly),
// the extra seeds, and what testdata/fuzz/<name> holds; plain `go test`
// runs them all. Properties: those of feedtest.CheckParse, and on success
// every event is an unsealed *event.ETFFlow that seals and validates at
// testNow, and no asset/ticker/trade_date key repeats (see flows).
func fuzzParser(f *testing.F, newFn func(map[string]string) (feed.Parser, error), extra ...string) {
	for _, b := range feedtest.Files(f, "*") {
		f.Add(b)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
	p := feedtest.NewParser(f, newFn, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		if obs, ok := feedtest.CheckParse(t, p, body, testNow); ok {
			flows(t, obs)
		}
	})
}

func FuzzFarsideHTML(f *testing.F) {
	fuzzParser(f, NewFarsideHTML,
		`<table class="etf"><tr><th></th><th>IBIT</th><th>Total</th></tr><tr><td>05 Aug 2024</td><td>(1.5)</td><td>(1.5)</td></tr></table>`,
		`<table class="etf"><tr><td>Date</td><td>IBIT</td><td>Total</td></tr><tr><td>05 Aug 2024</td><td colspan="2">-</td></tr></table>`,
		`<table class="etf"><tr><td>Date</td><td>IBIT</td><td>Total</td></tr><tr><td>05 Aug 2099</td><td>1.0</td><td>1.0</td></tr><tr><td>05 Aug 1980</td><td>1.0</td><td>1.0</td></tr></table>`,
		`<table class="etf"><table class="etf"><tr><td>Date</td><td>A</td><td>Total</td></tr></table><tr><td>05 Aug 2024</td><td>1,000.0</td><td>1e3</td></tr></table>`,
	)
}

func FuzzFarsideCSV(f *testing.F) {
	fuzzParser(f, NewFarsideCSV,
		"Date,IBIT,Total\n05 Aug 2024,(1.5),(1.5)\n",
		",IBIT,MSBT,Total\n05 Aug 2024,0.0,12.5,12.5\nTotal,1.0,2.0,3.0\n",
		"Date,IBIT,Total\n05 Aug 2024,1.0,1.0\n5 August 2024,1.0,1.0\n",
		"Date,IBIT,Total\n05 Aug 2099,1.0,1.0\n05 Aug 1980,1.0,1.0\n05 Aug 2024,\"99,999.9\",\"(99,999.9)\"\n",
	)
}

func FuzzSoSoValue(f *testing.F) {
	fuzzParser(f, NewSoSoValue,
		`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":"-1.5e6","totalNetAssets":"1,000"}]}`,
		`{"code":"0","data":{"list":[{"date":"2099-11-13","totalNetInflow":1},{"date":"1980-01-01","totalNetInflow":1}]}}`,
		`{"data":{"list":[{"date":"2025-11-13","totalNetInflow":null,"totalNetAssets":-1}]}}`,
		`{"code":1,"msg":null}`,
	)
}

func FuzzETFCSV(f *testing.F) {
	fuzzParser(f, NewETFCSV,
		"date,ticker,flow_usd_m,asset,aum_usd\n2025-11-04,total,(566.4),btc,\"1,000\"\n2025-11-04,TOTAL,1,ETH,-\n",
		"date,ticker,flow_usd\n2099-01-01,IBIT,1\n1980-01-01,IBIT,1\n2025-01-01,IBIT,1e3\n",
		strings.Repeat("date,ticker,flow_usd\n", 2),
	)
}
