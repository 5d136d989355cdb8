package markets

import (
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// Default event sources (Meta.Source) of the formats; the "source"
// parameter overrides them.
const (
	SourceFRED     = "fred"
	SourceTreasury = "treasury"
	SourceCBOE     = "cboe"
	SourceHistory  = "history"
	// SourceMoF is the default source of history-jgb: the history files'
	// JGB yields are the Ministry of Finance's, so their ids are those of
	// the mof-jgb format for the same day and tenor.
	SourceMoF = "mof"
)

// Times of day (UTC) given to a source's date. See Conventions and the
// package documentation.
const (
	// FixingUTC is FRED's noon New York buying rate (DEXJPUS): 17:00 UTC is
	// 12:00 EST; in summer (EDT) the fixing is at 16:00 UTC, an hour before.
	FixingUTC = 17 * time.Hour
	// CloseUTC is a US daily close: 16:00 New York in winter (EST), 17:00
	// in summer (EDT). Every FRED, Treasury and CBOE close gets it.
	CloseUTC = 21 * time.Hour
	// JGBCloseUTC is 15:00 JST, the Tokyo close, as for the mof-jgb format.
	JGBCloseUTC = 6 * time.Hour
)

// Convention says what one daily series of one source measures and the
// time of day its dates are given. It is what makes toDate(observed_at)
// the source's own date in ClickHouse, and keeps ids stable across polls.
type Convention struct {
	// Source is the format's default event source, e.g. "fred".
	Source string
	// Series is the source's name for the series: a FRED series id, a
	// Treasury column, a CBOE column.
	Series string
	// Instrument, Unit and Kind are the event.MarketQuote fields written.
	Instrument string
	Unit       string
	Kind       string
	// At is the time of day, UTC, given to the source's date.
	At time.Duration
}

// conventions is the one table of daily market series carrywatch knows:
// the package documentation repeats it for readers. The first row of an
// instrument is its default for history-csv.
var conventions = []Convention{
	{SourceFRED, "DEXJPUS", event.InstrumentUSDJPY, event.UnitJPYPerUSD, event.QuoteFixing, FixingUTC},
	{SourceFRED, "DGS2", event.InstrumentUST2Y, event.UnitPercent, event.QuoteClose, CloseUTC},
	{SourceFRED, "DGS10", event.InstrumentUST10Y, event.UnitPercent, event.QuoteClose, CloseUTC},
	{SourceFRED, "CBBTCUSD", event.InstrumentBTCUSD, event.UnitUSD, event.QuoteClose, CloseUTC},
	{SourceFRED, "VIXCLS", event.InstrumentVIX, event.UnitPoints, event.QuoteClose, CloseUTC},
	{SourceTreasury, "2 Yr", event.InstrumentUST2Y, event.UnitPercent, event.QuoteClose, CloseUTC},
	{SourceTreasury, "10 Yr", event.InstrumentUST10Y, event.UnitPercent, event.QuoteClose, CloseUTC},
	{SourceCBOE, "CLOSE", event.InstrumentVIX, event.UnitPoints, event.QuoteClose, CloseUTC},
}

// Conventions returns a copy of the table of daily series: FRED's DEXJPUS,
// DGS2, DGS10, CBBTCUSD and VIXCLS, the Treasury par curve's 2 Yr and
// 10 Yr columns and CBOE's VIX close. It has no error case.
func Conventions() []Convention { return slices.Clone(conventions) }

// convention returns the row of source's series.
func convention(source, series string) (Convention, bool) {
	i := slices.IndexFunc(conventions, func(c Convention) bool { return c.Source == source && c.Series == series })
	if i < 0 {
		return Convention{}, false
	}
	return conventions[i], true
}

// InstrumentConvention returns the first row of the table for instrument
// (FRED's, for the five built-in instruments); ok is false for any other
// instrument.
func InstrumentConvention(instrument string) (c Convention, ok bool) {
	i := slices.IndexFunc(conventions, func(c Convention) bool { return c.Instrument == instrument })
	if i < 0 {
		return Convention{}, false
	}
	return conventions[i], true
}
