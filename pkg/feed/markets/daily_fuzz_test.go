package markets_test

import (
	"bytes"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

// fuzzDaily fuzzes one daily format. The seed corpus is every file in
// testdata (each format also gets the others' files, which it must reject
// cleanly), damaged copies of them, the extra seeds, and what
// testdata/fuzz/<name> holds; plain `go test` runs them all. Properties:
// those of feedtest.CheckParse, and a success gives unsealed events that
// seal and validate at parseNow, one per key and date, sorted.
func fuzzDaily(f *testing.F, format string, params map[string]string, extra ...string) {
	for _, b := range feedtest.Files(f, "*") {
		f.Add(b)
		if len(b) > 64 {
			f.Add(b[:len(b)/2])
			f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
			f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte("\r")))
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
	parse := newParser(f, format, params)
	f.Fuzz(func(t *testing.T, body []byte) {
		if obs, ok := feedtest.CheckParse(t, parse, body, parseNow); ok {
			checkDaily(t, obs)
		}
	})
}

func FuzzFRED(f *testing.F) {
	fuzzDaily(f, "fred-csv", nil,
		"observation_date,DGS2,DGS10\n2025-11-20,3.55,4.10\n2025-11-21,.,\n",
		"DATE,DEXJPUS\n1962-01-02,360\n2099-01-01,100\n2025-11-20,157.41\n",
		"observation_date,DEXJPUS\n2025-11-20,157.41\n2025-11-20,157.41\n",
		"observation_date,VIXCLS\n2025-11-20,-1\n2025-11-21,1e3\n",
		"observation_date,dexjpus\n2025-11-20,+157.41\n",
		"observation_date\n",
	)
}

func FuzzTreasury(f *testing.F) {
	fuzzDaily(f, "treasury-par", nil,
		"Date,\"2 Yr\",\"10 Yr\"\n08/05/2024,3.89,3.78\n08/05/2024,3.89,3.78\n",
		"Date,\"2 Yr\",\"10 Yr\"\n02/30/2024,3.89,3.78\n12/31/1969,1,1\n01/01/2099,1,1\n",
		"Date,\"10 Yr\",\"2 Yr\"\n08/05/2024,,\n",
		"Date,\"5 YR\",\"7 YR\",\"10 YR\",\"20 YR\",\"30 YR\"\n",
	)
}

func FuzzCBOE(f *testing.F) {
	fuzzDaily(f, "cboe-vix", nil,
		"DATE,OPEN,HIGH,LOW,CLOSE\n08/05/2024,23.390000,65.730000,23.390000,38.570000\n",
		"DATE,CLOSE\n08/05/2024,\n08/06/2024,1000.000001\n",
		"DATE,OPEN,HIGH,LOW,CLOSE\n\"08/05/2024\",\"1\",\"2\",\"3\",\"4\"\n",
	)
}

func FuzzHistory(f *testing.F) {
	fuzzDaily(f, "history-csv", map[string]string{"instrument": "USDJPY"},
		"date,value\n2008-10-24,92.6400\n2008-10-23,97.6000\n",
		"date,value\n1969-12-31,360\n2099-01-01,100\n2008-10-24,.\n",
		"DATE,VALUE\n2008-10-24,0.5\n",
	)
}

func FuzzHistoryJGB(f *testing.F) {
	fuzzDaily(f, "history-jgb", map[string]string{"tenor": "10Y"},
		"date,value\n2016-02-09,-0.02\n2016-02-09,-0.02\n",
		"date,value\n2016-02-09,30.0001\n",
	)
}
