// Package history embeds the daily market history carrywatch ships with
// (data/*.csv, 1999 – 2023): the JGB 2- and 10-year yields (MoF), USDJPY,
// the UST 2- and 10-year yields, BTC-USD and the VIX (FRED), for backfill
// and calibration, and the effective fed funds rate and fed funds futures
// for the model's calibration. data/README.md says where every value comes
// from and how it was checked; each file has a <name>.source.txt beside it.
//
// Every file is UTF-8 with a header date,value, one ISO date a row,
// ascending, no date twice, values copied verbatim from the source, and no
// row after LastDate (2023-12-31): the later period is held out for
// validation.
//
// [All] lists the series, [Lookup] finds one. A series that is an event
// ([Series.IsEvent]) names the pkg/feed/markets format and parameters that
// read it ([Series.Format], [Series.Params]): history-csv for the market
// quotes with source "fred", history-jgb for the JGB yields with source
// "mof", so a backfilled observation has the id the live fred-csv or
// mof-jgb feed gives the same day, and the two never show twice. The
// package reads bytes only; it imports no parser, so the model's
// calibration can use it ([Series.Values]) without an ingest adapter.
// pkg/history/replay turns the files into events through the feeds'
// parsers, including the Fed odds from the ZQ prices.
package history
