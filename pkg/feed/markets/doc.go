// Package markets reads market series into event.MarketQuote observations:
// FRED's CSV downloads ([NewFRED], format fred-csv), the US Treasury's daily
// par yield curve ([NewTreasury], treasury-par), CBOE's VIX history
// ([NewCBOE], cboe-vix) and plain date,value history files ([NewHistory],
// history-csv; [NewHistoryJGB], history-jgb, for the JGB yields among them,
// as event.JGBYield). [Formats] names them for `carrywatch feed parse`.
//
// The parsers are pure functions of the body and the fetch time. A body that
// is not of its format returns an error wrapping feed.ErrBadBody that names
// the line and the column at fault.
//
// # Time
//
// Every series here is daily: the source dates a value but does not time
// it. ObservedAt is the source's date at a fixed UTC time of day, the same
// for every row of a series, so toDate(observed_at) in ClickHouse is the
// source's own date, ids are the same on every poll, and the observation
// lies after the fact it reports. The times, kept in one table
// ([Conventions]):
//
//	source    series          instrument  unit         kind    time (UTC)
//	fred      DEXJPUS         USDJPY      JPY per USD  fixing  17:00  noon New York buying rate (12:00 EST)
//	fred      DGS2            UST2Y       percent      close   21:00
//	fred      DGS10           UST10Y      percent      close   21:00
//	fred      CBBTCUSD        BTC-USD     USD          close   21:00
//	fred      VIXCLS          VIX         points       close   21:00
//	treasury  "2 Yr"          UST2Y       percent      close   21:00
//	treasury  "10 Yr"         UST10Y      percent      close   21:00
//	cboe      CLOSE           VIX         points       close   21:00
//	mof       jgb_2y, jgb_10y JGB 2Y/10Y  percent      -       06:00  history-jgb: 15:00 JST, the Tokyo close
//
// 21:00 UTC is the New York close (16:00 EST, 17:00 EDT), used for every
// US close, as the etfflows package does; one UTC hour all year keeps ids
// independent of the time-zone database. FRED's CBBTCUSD has a value for
// weekend days too and gets the same hour. DEXJPUS is a fixing, not a
// close: 17:00 UTC is noon in New York in winter. The FRED and Treasury
// 2- and 10-year yields are the same numbers (FRED's DGS series are the
// Treasury's par yields) but keep their sources, so each has its own ids.
//
// # Values
//
// A value is read as written: a plain decimal, no exponent, NaN or
// thousands separator. A missing value (FRED's "." or an empty cell; an
// empty cell in the Treasury, CBOE and history files) gives no event, never
// a zero. A value the event model rejects (a yield outside [-10, 50] %, a
// price of 0) and a second value for the same series and date are bad
// bodies.
//
// # Range
//
// A date whose observation time is after now (plus event.MaxClockSkew) is a
// day that has not closed; its values are left out with one warning per
// body, and a later poll reads them. A date before 1970-01-01
// (event.MinObservedAt), such as FRED's DGS10 from 1962, is left out with
// one warning per body.
//
// # Order
//
// Events come sorted by observation time, then by instrument, whatever the
// row order of the body (the Treasury writes the newest day first).
package markets
