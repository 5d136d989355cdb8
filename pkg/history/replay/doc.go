// Package replay turns the embedded history (pkg/history, 1999 – 2023)
// into the events the live feeds would have produced, for replaying the
// model over the whole window. It uses the feeds' own parsers, so a
// replayed event is the event the live feed gives for the same data: the
// market quotes and JGB yields through the history-csv and history-jgb
// formats of pkg/feed/markets, and the Fed odds through the zq-futures
// format of pkg/feed/fedodds (CME's FedWatch method on the ZQ prices).
//
// It lives apart from pkg/history so that pkg/history stays free of
// parsers; the model (pkg/risk) imports neither.
//
// # Fed odds from the ZQ history
//
// For every day with at least one of the m0..m3 prices, the day's prices
// are given to the zq-futures parser as contracts month(day)+0..3, with its
// default parameters: source "fedwatch-zq", observed_at the day at 21:00
// UTC (fedodds.ObservationHourUTC), the start rate from the shipped target
// history (pkg/fomc). The parser yields one event per upcoming scheduled
// FOMC meeting its chain reaches; the conventions are fedodds':
//
//   - Meeting day: a meeting on or after the observation day is upcoming,
//     so the decision day itself still has odds for that meeting (the
//     day's settlement is after the 2 p.m. ET statement, so they are close
//     to 0 or 1); the decision counts at the new rate from its own day.
//   - Unscheduled decisions are never forecast; they count from their own
//     day on (their month is no anchor).
//   - Months m0..m3 only: a meeting in the m3 month late enough to need the
//     meeting-free m4 average uses the m3 contract itself (the parser's
//     late-meeting fallback), and meetings after m3's month, or after a
//     meeting month without a price, get no event that day.
//   - A day on which no meeting can be priced gives no event.
//
// The ZQ history ends 2023-09-15, so no Fed odds are observed after that
// day and none after history.LastDate.
package replay
