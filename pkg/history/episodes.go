package history

import "time"

// Episode is a stress episode of the history (data/README.md §5) that
// the risk index is judged on.
type Episode struct {
	// Name is short, e.g. "2008-10 GFC carry unwind".
	Name string
	// From and To are the episode's first and last days (UTC midnight).
	From, To time.Time
	// Doc is what happened, after the README's sources.
	Doc string
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Episodes returns the stress episodes inside the history's window,
// oldest first.
func Episodes() []Episode {
	return []Episode{
		{Name: "2007-08 yen carry unwind", From: date(2007, 8, 16), To: date(2007, 8, 16),
			Doc: "the yen's biggest rise against the dollar since 1998 as a rout in stocks and credit forced yen-funded positions out"},
		{Name: "2008-10 GFC carry unwind", From: date(2008, 10, 24), To: date(2008, 10, 24),
			Doc: "the yen at a 13-year high, its biggest weekly gain since October 1998, as carry trades were cut"},
		{Name: "2016-01 BoJ negative rate", From: date(2016, 1, 29), To: date(2016, 1, 29),
			Doc: "the BoJ adopted a negative policy rate by surprise; JGB 10Y 0.229 → 0.104 % in a day"},
		{Name: "2020-03 dash for cash", From: date(2020, 3, 16), To: date(2020, 3, 16),
			Doc: "the Fed's emergency cut to 0–0.25 % (Sunday 15 March) and the global dash for cash; VIX 82.69 on the 16th"},
		{Name: "2022-05 Terra/LUNA", From: date(2022, 5, 7), To: date(2022, 5, 13),
			Doc: "UST depegged on 7 May; LUNA and UST collapsed within five days and BTC fell by a fifth"},
		{Name: "2022-11 FTX", From: date(2022, 11, 11), To: date(2022, 11, 11),
			Doc: "FTX and Alameda filed for Chapter 11 after a run that week; BTC 20,579 → 15,851 from 7 to 9 Nov"},
		{Name: "2022-12 BoJ YCC band", From: date(2022, 12, 20), To: date(2022, 12, 20),
			Doc: "the BoJ widened the 10-year yield band to ±0.5 pp, a de facto hike; the yen jumped 4 %"},
		{Name: "2023-03 SVB", From: date(2023, 3, 10), To: date(2023, 3, 10),
			Doc: "Silicon Valley Bank closed; the UST 2Y fell from 5.05 to 4.03 % in three sessions"},
	}
}
