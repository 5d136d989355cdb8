package fedodds

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// fuzzFormat fuzzes a format at now through each of parsers (the format
// built with different params). The seed corpus is the testdata files,
// the first half of each, the extra bodies and a few malformed ones
// (committed failures, if any, live in testdata/fuzz/<FuzzName>/).
// Properties, for every parser: those of feedtest.CheckParse, and on
// success every event is a FedOdds that validates once sealed at now (see
// fedOdds).
func fuzzFormat(f *testing.F, now time.Time, parsers []feed.Parser, files []string, extra ...string) {
	f.Helper()
	for _, name := range files {
		b := feedtest.Testdata(f, name)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, s := range append(extra, "", " ", "\xef\xbb\xbf", "{}", "[]", "null", "<html></html>", "\x00\xff") {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, p := range parsers {
			if obs, ok := feedtest.CheckParse(t, p, body, now); ok {
				fedOdds(t, obs, now)
			}
		}
	})
}

func FuzzZQFutures(f *testing.F) {
	fuzzFormat(f, time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC),
		[]feed.Parser{feedtest.NewParser(f, ZQFutures, nil), feedtest.NewParser(f, ZQFutures, map[string]string{"effr": "3.88"})},
		[]string{"zq_cme_sep2015.csv", "zq_nov2025.csv", "zq_nov2025.json"},
		"date,contract,price\n2025-11-21,ZQZ5,96.245\n",
		"date,contract,price\n2026-01-05,ZQG6,96.62\n",
		"date,contract,price\n2024-08-20,ZQQ4,94.67\n2024-08-20,ZQV4,95.10\n",
		`{"as_of":"2025-11-21T16:53:00-05:00","prices":[{"contract":"ZQZ25","price":"96.245"},{"contract":"2026-01","price":75}]}`,
		"date,contract,price\n2025-11-21,ZQX5,96.12\n2025-11-21,ZQZ5,100.9\n")
}

func FuzzKalshi(f *testing.F) {
	fuzzFormat(f, testNow,
		[]feed.Parser{feedtest.NewParser(f, Kalshi, nil), feedtest.NewParser(f, Kalshi, map[string]string{"target_upper": "0.25"})},
		[]string{"kalshi_kxfed_page.json", "kalshi_kxfeddecision.json", "kalshi_market.json"},
		`[{"ticker":"KXFED-25DEC-T3.75","last_price":16},{"ticker":"KXFED-25DEC-T4.00","yes_bid":0,"yes_ask":2}]`,
		`{"market":{"ticker":"FED-25DEC-T4.125","strike_type":"greater","floor_strike":"4.125","last_price_dollars":"0.5"}}`,
		`{"markets":[{"ticker":"KXFEDDECISION-26JAN-H0","last_price_dollars":"0.7"},{"ticker":"KXFEDDECISION-26JAN-C26","yes_bid_dollars":"0.1","yes_ask_dollars":"0.2"}]}`)
}

func FuzzPolymarket(f *testing.F) {
	fuzzFormat(f, testNow,
		[]feed.Parser{feedtest.NewParser(f, Polymarket, nil)},
		[]string{"polymarket_event_dec2025.json", "polymarket_markets_jan2026.json", "polymarket_market_single.json"},
		`[{"groupItemTitle":"No change","endDate":"2025-12-09","outcomePrices":[0.2,0.8]},{"groupItemTitle":"500 bps decrease","endDate":"2025-12-09","outcomePrices":"[\"0.8\",\"0.2\"]"}]`,
		`{"slug":"fed-decision-in-march-2027","markets":[{"groupItemTitle":"25 bps increase","outcomes":"[\"No\",\"Yes\"]","outcomePrices":"[\"1\",\"0\"]"},{"groupItemTitle":"No change","outcomePrices":"[\"0\",\"1\"]"}]}`)
}

func FuzzFedOddsCSV(f *testing.F) {
	fuzzFormat(f, testNow,
		[]feed.Parser{feedtest.NewParser(f, CSV, nil)},
		[]string{"fedodds.csv", "fedodds_pct.csv"},
		"observed_at,meeting,change_bp,probability\n2025-11-27,2025-12-10,-500,0.99\n2025-11-27,2025-12-10,+500,0.01\n",
		"meeting,probability,change_bp,obs_date\n2025-12-10,1,0,2025-11-27T15:04:05.123456789+14:00\n")
}
