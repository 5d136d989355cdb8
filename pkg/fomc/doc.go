// Package fomc is the shipped FOMC meeting calendar and federal funds
// target history (data/fomc.json; data/README.md says where every date and
// value comes from and what is unverified). It reads embedded bytes only
// and imports no ingest adapter, so both the feeds (pkg/feed/fedodds) and
// the model (pkg/risk) use it.
//
// [Shipped] returns the embedded [Calendar]; [Calendar.MeetingIn] answers
// "is there a meeting this month?" for a covered year and
// [Calendar.RangeAt] gives the target range in force on a day.
package fomc
