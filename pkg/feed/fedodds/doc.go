// Package fedodds turns Fed rate-odds sources into cw.fed.odds events
// (event.FedOdds): one probability distribution over the cumulative change
// of the federal funds target range, relative to the range in force at the
// observation time, per upcoming FOMC meeting.
//
// Formats (see Formats): zq-futures computes the odds itself with CME's
// FedWatch method from 30-day Fed funds futures prices (CSV or JSON);
// kalshi reads Kalshi KXFED threshold and KXFEDDECISION bucket markets;
// polymarket reads Polymarket Gamma Fed-decision bucket markets;
// fedodds-csv reads odds already computed elsewhere. Every parser is a pure
// feed.Parser: a body that is not of its format returns an error wrapping
// feed.ErrBadBody that says what is wrong; problems that leave other events
// usable (a skipped market, a chain that stops early) become warnings.
//
// # Calendar
//
// The FOMC calendar and the target range history come from pkg/fomc
// (fomc.Shipped; its data/README.md gives the sources and what is
// unverified).
//
// # FedWatch conventions (zq-futures)
//
//   - Implied average rate of a contract month = 100 − price.
//   - Meeting day: the decision day counts at the new rate. A meeting on day
//     M+1 of an N-day month gives end = (avg − (M/N)·start)·N/(N−M); this
//     reproduces CME's 17 Sep 2015 worked example (53.6 % hike).
//   - Anchors: a meeting-free month with a price re-anchors the expected
//     rate (its average is the rate all month); the rate before the first
//     meeting is the previous month's average if that month is meeting-free
//     and priced, else the observation month's if meeting-free and priced,
//     else the start rate.
//   - Start rate: the effr parameter if given, else the midpoint of the
//     target range in force on the observation day from the shipped history
//     (fomc.ErrUnknownRange once the history is stale: pass effr).
//   - Late meetings: a meeting leaving LateMeetingDays (7) days or fewer of
//     its month at the new rate takes its end rate from the next month's
//     contract when that month is meeting-free and priced (CME works from
//     meeting-free months; the 7-day threshold is this package's).
//   - Unscheduled decisions (pkg/fomc) count from their own day on: a known
//     one makes its month no anchor, and a meeting later that month reads
//     the next meeting-free month; odds are only for scheduled meetings.
//   - Each meeting's expected move is split over the two bracketing 25-bp
//     steps and chained into a tree of unconditional outcomes (Compound).
//   - observed_at: the observation date at 21:00 UTC unless a timestamp is
//     given (now, for today's date before 21:00 UTC).
package fedodds
