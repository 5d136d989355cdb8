package table

import (
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// The tables, one per stored message kind, each after the columns every
// table starts with (id, source, observed_at, ingested_at, stream_seq).
var (
	// JGBYields stores cw.jgb.yield/v1.
	JGBYields = newSpec("jgb_yields", func() *event.JGBYield { return new(event.JGBYield) },
		field("tenor", func(e *event.JGBYield) string { return e.Tenor }, func(e *event.JGBYield, v string) { e.Tenor = v }),
		derived("tenor_months", (*event.JGBYield).TenorMonths),
		field("yield_pct", func(e *event.JGBYield) float64 { return e.YieldPct }, func(e *event.JGBYield, v float64) { e.YieldPct = v }),
	)

	// FedOdds stores cw.fed.odds/v1, one array element per outcome.
	FedOdds = newSpec("fed_odds", func() *event.FedOdds { return new(event.FedOdds) },
		date("meeting", func(e *event.FedOdds) string { return e.Meeting }, func(e *event.FedOdds, v string) { e.Meeting = v }),
		each("change_bp", outcomes, func(o event.Outcome) int16 { return int16(o.ChangeBP) }, func(o *event.Outcome, v int16) { o.ChangeBP = int(v) }),
		each("probability", outcomes, func(o event.Outcome) float64 { return o.Probability }, func(o *event.Outcome, v float64) { o.Probability = v }),
		derived("expected_change_bp", (*event.FedOdds).ExpectedChangeBP),
	)

	// ETFFlows stores cw.etf.flow/v1.
	ETFFlows = newSpec("etf_flows", func() *event.ETFFlow { return new(event.ETFFlow) },
		field("asset", func(e *event.ETFFlow) string { return e.Asset }, func(e *event.ETFFlow, v string) { e.Asset = v }),
		field("ticker", func(e *event.ETFFlow) string { return e.Ticker }, func(e *event.ETFFlow, v string) { e.Ticker = v }),
		date("trade_date", func(e *event.ETFFlow) string { return e.TradeDate }, func(e *event.ETFFlow, v string) { e.TradeDate = v }),
		field("flow_usd", func(e *event.ETFFlow) float64 { return e.FlowUSD }, func(e *event.ETFFlow, v float64) { e.FlowUSD = v }),
		field("aum_usd", func(e *event.ETFFlow) *float64 { return e.AUMUSD }, func(e *event.ETFFlow, v *float64) { e.AUMUSD = v }),
	)

	// VenueStatus stores cw.venue.status/v1.
	VenueStatus = newSpec("venue_status", func() *event.VenueStatus { return new(event.VenueStatus) },
		field("venue", func(e *event.VenueStatus) string { return e.Venue }, func(e *event.VenueStatus, v string) { e.Venue = v }),
		field("incident_id", func(e *event.VenueStatus) string { return e.IncidentID }, func(e *event.VenueStatus, v string) { e.IncidentID = v }),
		field("action", func(e *event.VenueStatus) string { return e.Action }, func(e *event.VenueStatus, v string) { e.Action = v }),
		field("severity", func(e *event.VenueStatus) string { return e.Severity }, func(e *event.VenueStatus, v string) { e.Severity = v }),
		field("status", func(e *event.VenueStatus) string { return e.Status }, func(e *event.VenueStatus, v string) { e.Status = v }),
		field("title", func(e *event.VenueStatus) string { return e.Title }, func(e *event.VenueStatus, v string) { e.Title = v }),
		field("components", func(e *event.VenueStatus) []string { return orEmpty(e.Components) },
			func(e *event.VenueStatus, v []string) { e.Components = v }),
		timestamp("started_at", func(e *event.VenueStatus) time.Time { return e.StartedAt },
			func(e *event.VenueStatus, t time.Time) { e.StartedAt = t }),
		nullableTimestamp("resolved_at", func(e *event.VenueStatus) *time.Time { return e.ResolvedAt },
			func(e *event.VenueStatus, t *time.Time) { e.ResolvedAt = t }),
	)

	// MarketQuotes stores cw.market.quote/v1.
	MarketQuotes = newSpec("market_quotes", func() *event.MarketQuote { return new(event.MarketQuote) },
		field("instrument", func(e *event.MarketQuote) string { return e.Instrument }, func(e *event.MarketQuote, v string) { e.Instrument = v }),
		field("value", func(e *event.MarketQuote) float64 { return e.Value }, func(e *event.MarketQuote, v float64) { e.Value = v }),
		field("unit", func(e *event.MarketQuote) string { return e.Unit }, func(e *event.MarketQuote, v string) { e.Unit = v }),
		field("kind", func(e *event.MarketQuote) string { return e.Kind }, func(e *event.MarketQuote, v string) { e.Kind = v }),
		field("derived_from", func(e *event.MarketQuote) string { return e.DerivedFrom }, func(e *event.MarketQuote, v string) { e.DerivedFrom = v }),
	)

	// RiskScores stores cw.risk.score/v1: the headline, one array element
	// per block, and the whole print as received in explanation. The
	// components and block freshness are in explanation only.
	RiskScores = newSpec("risk_scores", func() *event.RiskScore { return new(event.RiskScore) },
		field("index", func(e *event.RiskScore) float64 { return e.Index }, func(e *event.RiskScore, v float64) { e.Index = v }),
		field("regime", func(e *event.RiskScore) string { return e.Regime }, func(e *event.RiskScore, v string) { e.Regime = v }),
		field("triggers", func(e *event.RiskScore) []string { return orEmpty(e.Triggers) }, func(e *event.RiskScore, v []string) { e.Triggers = v }),
		field("drivers", func(e *event.RiskScore) []string { return orEmpty(e.Drivers) }, func(e *event.RiskScore, v []string) { e.Drivers = v }),
		each("block_names", blocks, func(b event.Block) string { return b.Name }, func(b *event.Block, v string) { b.Name = v }),
		each("block_scores", blocks, func(b event.Block) float64 { return b.Score }, func(b *event.Block, v float64) { b.Score = v }),
		each("block_contributions", blocks, func(b event.Block) float64 { return b.Contribution },
			func(b *event.Block, v float64) { b.Contribution = v }),
		field("model_version", func(e *event.RiskScore) string { return e.ModelVersion }, func(e *event.RiskScore, v string) { e.ModelVersion = v }),
		field("calibration_hash", func(e *event.RiskScore) string { return e.CalibrationHash },
			func(e *event.RiskScore, v string) { e.CalibrationHash = v }),
		field("watermark_seq", func(e *event.RiskScore) uint64 { return e.Watermark.StreamSeq },
			func(e *event.RiskScore, v uint64) { e.Watermark.StreamSeq = v }),
		timestamp("watermark_time", func(e *event.RiskScore) time.Time { return e.Watermark.EventTime },
			func(e *event.RiskScore, t time.Time) { e.Watermark.EventTime = t }),
		raw("explanation"),
		field("etf_cost_basis_usd", func(e *event.RiskScore) *float64 { return e.ETFCostBasisUSD },
			func(e *event.RiskScore, v *float64) { e.ETFCostBasisUSD = v }),
	)

	// DeadLetters stores cw.dead.letter/v1.
	DeadLetters = newSpec("dead_letters", func() *event.DeadLetter { return new(event.DeadLetter) },
		field("stage", func(e *event.DeadLetter) string { return e.Stage }, func(e *event.DeadLetter, v string) { e.Stage = v }),
		field("original_subject", func(e *event.DeadLetter) string { return e.OriginalSubject },
			func(e *event.DeadLetter, v string) { e.OriginalSubject = v }),
		field("reason", func(e *event.DeadLetter) string { return e.Reason }, func(e *event.DeadLetter, v string) { e.Reason = v }),
		field("code", func(e *event.DeadLetter) string { return e.Code }, func(e *event.DeadLetter, v string) { e.Code = v }),
		field("payload", func(e *event.DeadLetter) string { return string(e.Payload) }, func(e *event.DeadLetter, v string) { e.Payload = []byte(v) }),
		field("original_seq", func(e *event.DeadLetter) uint64 { return e.StreamSeq }, func(e *event.DeadLetter, v uint64) { e.StreamSeq = v }),
	)
)

// outcomes and blocks are the slices stored one array element per item.
func outcomes(e *event.FedOdds) *[]event.Outcome { return &e.Outcomes }
func blocks(e *event.RiskScore) *[]event.Block   { return &e.Blocks }

// all lists every table in migration order.
var all = []*Spec{JGBYields, FedOdds, ETFFlows, VenueStatus, RiskScores, DeadLetters, MarketQuotes}

// All returns every table, in the order of the migrations creating them.
func All() []*Spec { return append([]*Spec(nil), all...) }

// Events returns the tables of the input kinds (CW_EVENTS), in the order
// of the migrations creating them.
func Events() []*Spec { return []*Spec{JGBYields, FedOdds, ETFFlows, VenueStatus, MarketQuotes} }

// bySchema indexes all by Schema.
var bySchema = func() map[string]*Spec {
	m := make(map[string]*Spec, len(all))
	for _, s := range all {
		m[s.Schema] = s
	}
	return m
}()

// For returns the table storing schema, nil if none does.
func For(schema string) *Spec { return bySchema[schema] }
