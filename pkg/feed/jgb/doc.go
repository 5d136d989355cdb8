// Package jgb reads Japanese government bond yields into event.JGBYield
// observations: the Ministry of Finance's daily interest-rate CSVs
// (jgbcm.csv, the current month, and jgbcm_all.csv, the full history) with
// [ParseMoF] and [Merge], and any plain date,tenor,yield_pct CSV with
// [ParseCSV]. [Formats] names both for `carrywatch feed parse`.
//
// The parsers are pure functions of the body and the fetch time; a body that
// is not of the format returns an error wrapping feed.ErrBadBody that names
// the line, the date and the column at fault.
//
// Conventions shared by both parsers:
//
//   - Time. A MoF row is a closing par yield for a Tokyo business day, and a
//     plain-CSV date is a calendar day. Both become ObservedAt = that date at
//     06:00 UTC, which is 15:00 JST, the Tokyo close. One instant per day
//     keeps ids stable across polls and sources, and places the observation
//     before its publication (MoF publishes the next business day at about
//     09:30 JST). A plain-CSV date written as a full RFC 3339 timestamp is
//     kept as given, in UTC.
//   - Missing values. "-" (and, in a plain CSV, an empty cell) means no
//     observation: no event, never a zero.
//   - Range. A date after now (plus event.MaxClockSkew), a yield outside
//     [-10, 30] percent or a second value for the same tenor and date is a
//     bad body. A row dated before 1970-01-01 (event.MinObservedAt, the
//     Unix epoch), which the event model does not accept, is left out with
//     one warning per body. jgbcm_all.csv starts on 24 Sep 1974
//     (S49.9.24), so none of MoF's history is left out.
//   - Order. Events come sorted by date, then by tenor in months, so the same
//     body always gives the same sequence.
package jgb
