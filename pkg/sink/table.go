package sink

import (
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
)

// table maps one message kind to one ClickHouse table.
type table struct {
	name    string
	columns []string
	// row returns the values of columns for one message. raw is the message
	// as received; seq its stream sequence.
	row func(e event.Event, raw []byte, seq uint64, d chschema.Dialect) []any
}

// insertSQL names every column: servers before 19.x and the native protocol
// need the column list to match the appended values.
func (t *table) insertSQL(db string) string {
	return "INSERT INTO " + db + "." + t.name + " (" + strings.Join(t.columns, ", ") + ")"
}

var metaColumns = []string{"id", "source", "observed_at", "ingested_at", "stream_seq"}

func metaRow(m *event.Meta, seq uint64, d chschema.Dialect, extra ...any) []any {
	return append([]any{m.ID, m.Source, d.Time(m.ObservedAt), d.Time(m.IngestedAt), seq}, extra...)
}

func columns(extra ...string) []string { return append(append([]string{}, metaColumns...), extra...) }

// date parses a YYYY-MM-DD already checked by validation.
func date(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// tables lists the table of every schema the sink stores.
var tables = map[string]*table{
	event.SchemaJGBYield: {
		name:    "jgb_yields",
		columns: columns("tenor", "tenor_months", "yield_pct"),
		row: func(ev event.Event, _ []byte, seq uint64, d chschema.Dialect) []any {
			e := ev.(*event.JGBYield)
			return metaRow(&e.Meta, seq, d, e.Tenor, e.TenorMonths(), e.YieldPct)
		},
	},
	event.SchemaFedOdds: {
		name:    "fed_odds",
		columns: columns("meeting", "change_bp", "probability", "expected_change_bp"),
		row: func(ev event.Event, _ []byte, seq uint64, d chschema.Dialect) []any {
			e := ev.(*event.FedOdds)
			change := make([]int16, len(e.Outcomes))
			prob := make([]float64, len(e.Outcomes))
			for i, o := range e.Outcomes {
				change[i], prob[i] = int16(o.ChangeBP), o.Probability
			}
			return metaRow(&e.Meta, seq, d, date(e.Meeting), change, prob, e.ExpectedChangeBP())
		},
	},
	event.SchemaETFFlow: {
		name:    "etf_flows",
		columns: columns("asset", "ticker", "trade_date", "flow_usd", "aum_usd"),
		row: func(ev event.Event, _ []byte, seq uint64, d chschema.Dialect) []any {
			e := ev.(*event.ETFFlow)
			return metaRow(&e.Meta, seq, d, e.Asset, e.Ticker, date(e.TradeDate), e.FlowUSD, e.AUMUSD)
		},
	},
	event.SchemaVenueStatus: {
		name:    "venue_status",
		columns: columns("venue", "incident_id", "action", "severity", "status", "title", "components", "started_at", "resolved_at"),
		row: func(ev event.Event, _ []byte, seq uint64, d chschema.Dialect) []any {
			e := ev.(*event.VenueStatus)
			return metaRow(&e.Meta, seq, d, e.Venue, e.IncidentID, e.Action, e.Severity, e.Status, e.Title,
				orEmpty(e.Components), d.Time(e.StartedAt), d.NullableTime(e.ResolvedAt))
		},
	},
	event.SchemaMarketQuote: {
		name:    "market_quotes",
		columns: columns("instrument", "value", "unit", "kind", "derived_from"),
		row: func(ev event.Event, _ []byte, seq uint64, d chschema.Dialect) []any {
			e := ev.(*event.MarketQuote)
			return metaRow(&e.Meta, seq, d, e.Instrument, e.Value, e.Unit, e.Kind, e.DerivedFrom)
		},
	},
	event.SchemaRiskScore: {
		name: "risk_scores",
		columns: columns("index", "regime", "triggers", "drivers", "block_names", "block_scores",
			"block_contributions", "model_version", "calibration_hash", "watermark_seq", "watermark_time", "explanation",
			"etf_cost_basis_usd"),
		row: func(ev event.Event, raw []byte, seq uint64, d chschema.Dialect) []any {
			e := ev.(*event.RiskScore)
			names := make([]string, len(e.Blocks))
			scores := make([]float64, len(e.Blocks))
			contribs := make([]float64, len(e.Blocks))
			for i, b := range e.Blocks {
				names[i], scores[i], contribs[i] = b.Name, b.Score, b.Contribution
			}
			return metaRow(&e.Meta, seq, d, e.Index, e.Regime, orEmpty(e.Triggers), orEmpty(e.Drivers),
				names, scores, contribs, e.ModelVersion, e.CalibrationHash,
				e.Watermark.StreamSeq, d.Time(e.Watermark.EventTime), string(raw), e.ETFCostBasisUSD)
		},
	},
	event.SchemaDeadLetter: {
		name:    "dead_letters",
		columns: columns("stage", "original_subject", "reason", "code", "payload", "original_seq"),
		row: func(ev event.Event, _ []byte, seq uint64, d chschema.Dialect) []any {
			e := ev.(*event.DeadLetter)
			return metaRow(&e.Meta, seq, d, e.Stage, e.OriginalSubject, e.Reason, e.Code, string(e.Payload), e.StreamSeq)
		},
	},
}

// Table returns the ClickHouse table a schema is stored in, "" if none.
// Its deduplicated view is "v_" + Table(schema).
func Table(schema string) string {
	if t, ok := tables[schema]; ok {
		return t.name
	}
	return ""
}

// Columns returns the columns the sink inserts for schema, in the order of
// Row's values; nil if the schema has no table.
func Columns(schema string) []string {
	if t, ok := tables[schema]; ok {
		return t.columns
	}
	return nil
}

// Row returns the values the sink inserts for ev into Table(ev's schema),
// raw being the message as received and seq its stream sequence; nil if the
// schema has no table.
func Row(ev event.Event, raw []byte, seq uint64, d chschema.Dialect) []any {
	if t, ok := tables[ev.SchemaName()]; ok {
		return t.row(ev, raw, seq, d)
	}
	return nil
}
