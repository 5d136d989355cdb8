package chschema_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/testutil/chdbtest"
)

// fixture is one row of one table, built from a real event, as both
// clickhouse-go batch values and SQL literals.
type fixture struct {
	table string
	view  string
	id    string
	cols  []string
	vals  func(d chschema.Dialect) []any
}

// fixtureNow is the clock the fixtures are sealed at.
var fixtureNow = time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)

// wantCostBasis is the ETF cost basis of the fixtures' print, USD per BTC.
const wantCostBasis = 89_600.0

func ptr[T any](v T) *T { return &v }

func commonVals(d chschema.Dialect, m *event.Meta, seq uint64) []any {
	return []any{m.ID, m.Source, d.Time(m.ObservedAt), d.Time(m.IngestedAt), seq}
}

var commonCols = []string{"id", "source", "observed_at", "ingested_at", "stream_seq"}

func cols(extra ...string) []string { return append(append([]string{}, commonCols...), extra...) }

// fixtures returns one row per table, in migration order.
func fixtures() []fixture {
	jgb := &event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: time.Date(2025, 11, 20, 6, 0, 0, 0, time.UTC)}, Tenor: "10Y", YieldPct: 1.86}
	event.Seal(jgb, fixtureNow)

	fed := &event.FedOdds{Meta: event.Meta{Source: "fedwatch", ObservedAt: time.Date(2025, 11, 28, 21, 0, 0, 0, time.UTC)},
		Meeting: "2025-12-10", Outcomes: []event.Outcome{{ChangeBP: -25, Probability: 0.85}, {ChangeBP: 0, Probability: 0.15}}}
	event.Seal(fed, fixtureNow)

	etf := &event.ETFFlow{Meta: event.Meta{Source: "farside", ObservedAt: time.Date(2025, 11, 21, 23, 0, 0, 0, time.UTC)},
		Asset: "BTC", Ticker: event.TickerTotal, TradeDate: "2025-11-20", FlowUSD: -903.2e6, AUMUSD: ptr(112.5e9)}
	event.Seal(etf, fixtureNow)

	started := time.Date(2025, 11, 28, 2, 40, 0, 0, time.UTC)
	venue := &event.VenueStatus{Meta: event.Meta{Source: "manual", ObservedAt: started.Add(5 * time.Minute)},
		Venue: "cme", IncidentID: "globex-2025-11-28", Action: event.ActionOpen, Severity: event.SeverityHalt,
		Status: "investigating", Title: "CME Globex halt: data-centre cooling failure", Components: []string{"Globex"},
		StartedAt: started}
	event.Seal(venue, fixtureNow)

	usdjpy := marketQuote("fred", event.InstrumentUSDJPY, 157.41, event.UnitJPYPerUSD, time.Date(2025, 11, 20, 17, 0, 0, 0, time.UTC))

	score := &event.RiskScore{Meta: event.Meta{Source: "carrywatch", ObservedAt: time.Date(2025, 11, 28, 3, 0, 0, 0, time.UTC)},
		Index: 71.5, Regime: event.RegimeElevated,
		Blocks: []event.Block{
			{Name: "carry", Score: 0.8, Contribution: 32, Freshness: 1},
			{Name: "venue", Score: 0.9, Contribution: 21.5, Freshness: 1},
		},
		Triggers: []string{"cme_halt"}, Drivers: []string{"carry", "venue"},
		ModelVersion: "clri-1", CalibrationHash: "c0ffee",
		Watermark:       event.Watermark{StreamSeq: 42, EventTime: started.Add(5 * time.Minute)},
		ETFCostBasisUSD: ptr(wantCostBasis)}
	event.Seal(score, fixtureNow)
	explanation, err := json.Marshal(score)
	if err != nil {
		panic(err) // test fixture: cannot happen
	}

	// Stored now: dead_letters expires rows 90 days after inserted_at where
	// the server has TTL.
	rejectedAt := event.Millis(time.Now())
	dl := event.NewDeadLetter("sink", "cw.events.jgb.yield.10Y", []byte(`{"schema":"cw.jgb.yield/v1","yield_pct":"x"}`), 41,
		&event.ValidationError{Field: "yield_pct", Err: event.ErrMalformed}, rejectedAt, rejectedAt)

	return []fixture{
		{
			table: "jgb_yields", view: "v_jgb_yields", id: jgb.ID,
			cols: cols("tenor", "tenor_months", "yield_pct"),
			vals: func(d chschema.Dialect) []any {
				return append(commonVals(d, &jgb.Meta, 1), jgb.Tenor, jgb.TenorMonths(), jgb.YieldPct)
			},
		},
		{
			table: "fed_odds", view: "v_fed_odds", id: fed.ID,
			cols: cols("meeting", "change_bp", "probability", "expected_change_bp"),
			vals: func(d chschema.Dialect) []any {
				var bp []int16
				var p []float64
				for _, o := range fed.Outcomes {
					bp = append(bp, int16(o.ChangeBP))
					p = append(p, o.Probability)
				}
				return append(commonVals(d, &fed.Meta, 2), fed.Meeting, bp, p, fed.ExpectedChangeBP())
			},
		},
		{
			table: "etf_flows", view: "v_etf_flows", id: etf.ID,
			cols: cols("asset", "ticker", "trade_date", "flow_usd", "aum_usd"),
			vals: func(d chschema.Dialect) []any {
				return append(commonVals(d, &etf.Meta, 3), etf.Asset, etf.Ticker, etf.TradeDate, etf.FlowUSD, etf.AUMUSD)
			},
		},
		{
			table: "venue_status", view: "v_venue_status", id: venue.ID,
			cols: cols("venue", "incident_id", "action", "severity", "status", "title", "components", "started_at", "resolved_at"),
			vals: func(d chschema.Dialect) []any {
				return append(commonVals(d, &venue.Meta, 4), venue.Venue, venue.IncidentID, venue.Action, venue.Severity,
					venue.Status, venue.Title, venue.Components, d.Time(venue.StartedAt), d.NullableTime(venue.ResolvedAt))
			},
		},
		marketFixture(usdjpy, 5),
		{
			table: "risk_scores", view: "v_risk_scores", id: score.ID,
			cols: cols("index", "regime", "triggers", "drivers", "block_names", "block_scores", "block_contributions",
				"model_version", "calibration_hash", "watermark_seq", "watermark_time", "explanation", "etf_cost_basis_usd"),
			vals: func(d chschema.Dialect) []any {
				var names []string
				var scores, contribs []float64
				for _, b := range score.Blocks {
					names = append(names, b.Name)
					scores = append(scores, b.Score)
					contribs = append(contribs, b.Contribution)
				}
				return append(commonVals(d, &score.Meta, 6), score.Index, score.Regime, score.Triggers, score.Drivers,
					names, scores, contribs, score.ModelVersion, score.CalibrationHash, score.Watermark.StreamSeq,
					d.Time(score.Watermark.EventTime), string(explanation), score.ETFCostBasisUSD)
			},
		},
		{
			table: "dead_letters", view: "v_dead_letters", id: dl.ID,
			cols: cols("stage", "original_subject", "reason", "code", "payload", "original_seq"),
			vals: func(d chschema.Dialect) []any {
				return append(commonVals(d, &dl.Meta, 7), dl.Stage, dl.OriginalSubject, dl.Reason, dl.Code, string(dl.Payload), dl.StreamSeq)
			},
		},
	}
}

// marketQuote returns a sealed market quote (FRED: a fixing for USDJPY, a
// close otherwise).
func marketQuote(source, instrument string, value float64, unit string, at time.Time) *event.MarketQuote {
	kind := event.QuoteClose
	if instrument == event.InstrumentUSDJPY {
		kind = event.QuoteFixing
	}
	q := &event.MarketQuote{Meta: event.Meta{Source: source, ObservedAt: at}, Instrument: instrument, Value: value, Unit: unit, Kind: kind}
	event.Seal(q, fixtureNow)
	return q
}

func marketFixture(q *event.MarketQuote, seq uint64) fixture {
	return fixture{
		table: "market_quotes", view: "v_market_quotes", id: q.ID,
		cols: cols("instrument", "value", "unit", "kind", "derived_from"),
		vals: func(d chschema.Dialect) []any {
			return append(commonVals(d, &q.Meta, seq), q.Instrument, q.Value, q.Unit, q.Kind, q.DerivedFrom)
		},
	}
}

// marketHistory returns the rows the derived market views need beyond
// fixtures' one per table, real values all: the USDJPY fixing of the day
// before (FRED DEXJPUS 2025-11-19), and a UST 2-year close and a JGB 2-year
// yield of one date (FRED DGS2 and MoF, 2023-12-29).
func marketHistory() []fixture {
	jgb2 := &event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: time.Date(2023, 12, 29, 6, 0, 0, 0, time.UTC)}, Tenor: "2Y", YieldPct: 0.048}
	event.Seal(jgb2, fixtureNow)
	return []fixture{
		marketFixture(marketQuote("fred", event.InstrumentUSDJPY, 156.63, event.UnitJPYPerUSD, time.Date(2025, 11, 19, 17, 0, 0, 0, time.UTC)), 101),
		marketFixture(marketQuote("fred", event.InstrumentUST2Y, 4.23, event.UnitPercent, time.Date(2023, 12, 29, 21, 0, 0, 0, time.UTC)), 102),
		{
			table: "jgb_yields", view: "v_jgb_yields", id: jgb2.ID,
			cols: cols("tenor", "tenor_months", "yield_pct"),
			vals: func(d chschema.Dialect) []any {
				return append(commonVals(d, &jgb2.Meta, 103), jgb2.Tenor, jgb2.TenorMonths(), jgb2.YieldPct)
			},
		},
	}
}

// quotedCols returns the column list of an INSERT, backquoted.
func quotedCols(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = "`" + c + "`"
	}
	return strings.Join(q, ", ")
}

// insertSQL renders f as an INSERT … VALUES statement with literals.
func insertSQL(db string, f fixture, d chschema.Dialect) string {
	return fmt.Sprintf("INSERT INTO %s.%s (%s) VALUES %s", db, f.table, quotedCols(f.cols), chdbtest.Values(f.vals(d)))
}
