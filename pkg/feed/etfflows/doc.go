// Package etfflows reads spot crypto ETF daily net flows into event.ETFFlow
// observations: Farside Investors' flow tables as HTML ([NewFarsideHTML]) or
// CSV ([NewFarsideCSV]), SoSoValue's historical inflow JSON
// ([NewSoSoValue]), and any plain date,ticker,flow CSV ([NewETFCSV]).
// [Formats] names all four for `carrywatch feed parse`.
//
// The parsers are pure functions of the body and the fetch time. A body that
// is not of its format returns an error wrapping feed.ErrBadBody that names
// the row, the date and the column at fault.
//
// Conventions shared by every parser:
//
//   - Events. One event per fund and trading day, plus ticker
//     event.TickerTotal ("TOTAL") for the day's sum as the source states it
//     (Farside's Total column, SoSoValue's totalNetInflow); a TOTAL is never
//     computed by adding funds up.
//   - Units. FlowUSD is in US dollars. Farside publishes US$ millions with
//     one decimal; the decimal text is read exactly, as an integer times a
//     power of ten, and converted once, so "(237.4)" is -237400000 exactly,
//     never 237.4 * 1e6 = -237399999.99999997.
//   - Missing values. "-" or an empty cell means no data (a fund not yet
//     trading, a US holiday, a late report): no event, never a zero. "0.0"
//     is a reported zero flow and gives an event with FlowUSD 0.
//   - Time. A flow belongs to a US trading day. ObservedAt is that date at
//     21:00 UTC ([ObservedAt]): 16:00 in New York, the close, in winter
//     (EST) and 17:00 in summer (EDT). A fixed UTC hour keeps ids the same
//     whatever the time zone database says, and sources publish the day's
//     flows in the New York evening, after that instant.
//   - Range. A row dated after now (plus event.MaxClockSkew) is a day not yet
//     closed; it is left out with a warning, not failed, because Farside
//     shows today's row while funds are still reporting and the next poll
//     picks it up. A row dated before 1970-01-01 (event.MinObservedAt, the
//     Unix epoch), which the event model does not accept, is left out with a
//     warning. Any other value the event model rejects (a flow beyond ±100 bn
//     USD, a negative AUM, a malformed ticker), a number that does not
//     parse, and a second value for the same asset, ticker and day are bad
//     bodies.
//   - Checks. For Farside, the funds of a day that are not "-" must add up to
//     the Total within US$0.15m (rounding of one-decimal cells); otherwise
//     the flows are kept as published and a warning names the date and both
//     numbers.
//   - Order. Events come sorted by trade date; within a day in the source's
//     column or line order, TOTAL last for Farside. The same body always
//     gives the same sequence.
package etfflows
