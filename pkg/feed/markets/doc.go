// Package markets turns market-data sources into [event.MarketQuote]
// events on cw.events.market.quote.<instrument>: exchange rates, government
// bond yields, spot prices and volatility indices. Every parser is a pure
// function from one fetched body (and the fetch time) to events; [Formats]
// lists them for `carrywatch feed parse` and the ingest-markets service.
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
