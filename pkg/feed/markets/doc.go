// Package markets reads market series into event.MarketQuote observations
// on cw.events.market.quote.<instrument>: exchange rates, government bond
// yields, spot prices and volatility indices. The daily series are FRED's
// CSV downloads ([NewFRED], format fred-csv), the US Treasury's daily par
// yield curve ([NewTreasury], treasury-par), CBOE's VIX history ([NewCBOE],
// cboe-vix) and plain date,value history files ([NewHistory], history-csv;
// [NewHistoryJGB], history-jgb, for the JGB yields among them, as
// event.JGBYield); the ECB's euro reference rates (ecb-fx) give a USDJPY
// fixing; Coinbase and Kraken give BTC tickers and daily candles.
// [Formats] names them for `carrywatch feed parse` and ingest-markets.
//
// The parsers are pure functions of the body and the fetch time. A body that
// is not of its format returns an error wrapping feed.ErrBadBody that names
// the fault; the ingest loop dead-letters it.
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
//
// # ECB euro reference rates (ecb-fx)
//
// The ECB's eurofxref-daily.xml, eurofxref-hist-90d.xml and
// eurofxref-hist.xml share one shape: a gesmes:Envelope holding a Cube per
// day (time="YYYY-MM-DD") of Cubes per currency (currency, rate = units of
// the currency per euro). The ECB quotes no USDJPY, so each day with both a
// USD and a JPY rate becomes one USDJPY fixing crossed through the euro:
// value = JPY rate / USD rate (JPY per euro over USD per euro), kept as the
// full float64 quotient, derived_from "EURJPY/EURUSD". The rates are set at
// 14:15 Central European Time, so observed_at is that day at 14:15 in
// Europe/Berlin converted to UTC: 13:15 UTC in winter (CET, UTC+1) and
// 12:15 UTC in summer (CEST, UTC+2), switching on the EU's last Sundays of
// March and October. A day lacking either rate is skipped with a warning.
//
// # Exchange tickers: at most one observation a minute
//
// coinbase-ticker (Coinbase Exchange GET /products/<id>/ticker) and
// kraken-ticker (Kraken GET /0/public/Ticker) give a last price, kind
// last, in USD. Its observed_at is truncated to the minute: the ticker's
// trade time for Coinbase, the fetch time for Kraken (whose body has no
// time). An event's id is derived from source, instrument and observed_at,
// so every poll within one minute yields the same id: the poller publishes
// nothing for an unchanged event (its seen-set), and JetStream's duplicate
// window drops a changed price under an id it already holds. Polling every
// 15 s therefore stores at most one quote per instrument and minute, the
// first one seen.
//
// # Exchange daily candles
//
// coinbase-candles (GET /products/<id>/candles?granularity=86400, rows
// [time, low, high, open, close, volume], newest first) and kraken-ohlc
// (GET /0/public/OHLC?interval=1440, rows [time, open, high, low, close,
// vwap, volume, count] oldest first) give daily closes, kind close. A
// daily candle runs from 00:00 UTC on its date to 24:00 UTC; its close is
// observed at 23:59:59 UTC of that date, so that toDate(observed_at), the
// key of v_market_daily, is the candle's own date. The day still trading
// is never emitted: Coinbase's newest row and Kraken's last row (which
// Kraken documents as the uncommitted one), and any candle whose day has
// not ended by the fetch time. A row whose time is not a UTC midnight
// means the URL asks for another granularity and rejects the body.
//
// # Errors
//
// A body that is not of its format (garbage, an HTML error page, a
// truncated document, an API error such as Kraken's "EService:Unavailable"
// or Coinbase's {"message":"NotFound"}) returns an error wrapping
// feed.ErrBadBody with the reason; the ingest loop dead-letters it.
package markets
