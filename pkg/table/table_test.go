package table_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/table"
	"github.com/carrywatch/carrywatch/pkg/testutil/chdbtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// sealedAt is the clock the fixtures are sealed at.
var sealedAt = time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)

// fixtures returns messages of every stored kind, with each optional field
// both set and unset, in the order of their stream sequences.
func fixtures(t *testing.T) []event.Event {
	t.Helper()
	at := func(day, hour int) time.Time { return time.Date(2025, 11, day, hour, 0, 0, 0, time.UTC) }
	resolved := at(28, 9)
	evs := []event.Event{
		&event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: at(20, 6)}, Tenor: "10Y", YieldPct: 1.86},
		&event.FedOdds{Meta: event.Meta{Source: "fedwatch", ObservedAt: at(28, 21)}, Meeting: "2025-12-10",
			Outcomes: []event.Outcome{{ChangeBP: -25, Probability: 0.85}, {ChangeBP: 0, Probability: 0.15}}},
		&event.ETFFlow{Meta: event.Meta{Source: "farside", ObservedAt: at(21, 23)}, Asset: "BTC", Ticker: event.TickerTotal,
			TradeDate: "2025-11-20", FlowUSD: -903.2e6, AUMUSD: new(112.5e9)},
		&event.ETFFlow{Meta: event.Meta{Source: "farside", ObservedAt: at(21, 23)}, Asset: "BTC", Ticker: "IBIT",
			TradeDate: "2025-11-20", FlowUSD: -355.5e6},
		&event.VenueStatus{Meta: event.Meta{Source: "manual", ObservedAt: at(28, 3)}, Venue: "cme", IncidentID: "globex-2025-11-28",
			Action: event.ActionOpen, Severity: event.SeverityHalt, Status: "investigating",
			Title: "CME Globex halt: data-centre cooling failure", Components: []string{"Globex"}, StartedAt: at(28, 2)},
		&event.VenueStatus{Meta: event.Meta{Source: "manual", ObservedAt: at(28, 10)}, Venue: "cme", IncidentID: "globex-2025-11-28",
			Action: event.ActionResolve, Severity: event.SeverityHalt, Status: "resolved", Title: "CME Globex halt",
			Components: []string{"Globex", "BrokerTec"}, StartedAt: at(28, 2), ResolvedAt: &resolved},
		&event.MarketQuote{Meta: event.Meta{Source: "fred", ObservedAt: at(20, 17)}, Instrument: event.InstrumentUSDJPY,
			Value: 157.41, Unit: event.UnitJPYPerUSD, Kind: event.QuoteFixing},
		&event.MarketQuote{Meta: event.Meta{Source: "kraken", ObservedAt: at(20, 17)}, Instrument: event.InstrumentBTCUSD,
			Value: 91_250, Unit: event.UnitUSD, Kind: event.QuoteLast, DerivedFrom: "XBTUSD"},
		&event.RiskScore{Meta: event.Meta{Source: "carrywatch", ObservedAt: at(28, 3)}, Index: 71.5, Regime: event.RegimeElevated,
			Blocks:   []event.Block{{Name: "carry", Score: 0.8, Contribution: 32, Freshness: 1}, {Name: "venue", Score: 0.9, Contribution: 21.5, Freshness: 1}},
			Triggers: []string{"cme_halt"}, Drivers: []string{"carry", "venue"}, ModelVersion: "clri-v2", CalibrationHash: "c0ffee",
			Watermark: event.Watermark{StreamSeq: 42, EventTime: at(28, 3)}, ETFCostBasisUSD: new(89_600.0)},
		&event.RiskScore{Meta: event.Meta{Source: "carrywatch", ObservedAt: at(28, 4)}, Index: 12, Regime: event.RegimeCalm,
			ModelVersion: "clri-v2", CalibrationHash: "c0ffee", Watermark: event.Watermark{StreamSeq: 43, EventTime: at(28, 4)}},
	}
	for _, ev := range evs {
		event.Seal(ev, sealedAt)
	}
	dl := event.NewDeadLetter("sink", "cw.events.jgb.yield.10Y", []byte(`{"schema":"cw.jgb.yield/v1","yield_pct":"x"}`), 41,
		&event.ValidationError{Field: "yield_pct", Err: event.ErrMalformed}, sealedAt, sealedAt)
	return append(evs, dl)
}

// raw is the message as the sink receives it.
func raw(t *testing.T, ev event.Event) []byte {
	t.Helper()
	data, err := event.Marshal(ev)
	require.NoError(t, err)
	return data
}

// TestEveryKindHasATable checks that every fixture's kind has a table, every
// table has a fixture, and each table gives one value per column and
// names each column once.
func TestEveryKindHasATable(t *testing.T) {
	covered := map[*table.Spec]bool{}
	for _, ev := range fixtures(t) {
		spec := table.For(ev.SchemaName())
		require.NotNil(t, spec, ev.SchemaName())
		covered[spec] = true
		assert.Len(t, spec.Values(ev, raw(t, ev), 1, chschema.Current), len(spec.Columns()), spec.Name)
		assert.Len(t, spec.Values(ev, raw(t, ev), 1, chschema.DialectFor(chschema.Version{Major: 18, Minor: 16})), len(spec.Columns()), spec.Name)
	}
	for _, spec := range table.All() {
		assert.True(t, covered[spec], "no fixture for %s", spec.Name)
		seen := map[string]bool{}
		for _, c := range spec.Columns() {
			assert.False(t, seen[c], "%s names %s twice", spec.Name, c)
			seen[c] = true
		}
	}
	assert.Nil(t, table.For(event.SchemaHeartbeat), "heartbeats are not stored")
}

// tableColumns returns the columns of table name in database db that an
// INSERT must fill (those without a default), in table order.
func tableColumns(t *testing.T, db *chtest.DB, name string) []string {
	t.Helper()
	rows, err := db.Conn.Query(context.Background(),
		"SELECT name FROM system.columns WHERE database = ? AND table = ? AND default_kind = ''", db.Database, name)
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	var cols []string
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		cols = append(cols, c)
	}
	require.NoError(t, rows.Err())
	return cols
}

// TestColumnsAreTheTables checks each Spec's columns against its table as
// the migrations create it: a column added to one and not the other fails.
func TestColumnsAreTheTables(t *testing.T) {
	db := chtest.New(t)
	for _, spec := range table.All() {
		assert.Equal(t, tableColumns(t, db, spec.Name), spec.Columns(), spec.Name)
	}
}

// TestRoundTrip inserts every fixture as the sink does and reads it back
// through its view: the values of the event read back are the values
// inserted, input events come back whole, and so a column list, its values
// and its read-back that disagree in count, order or type fail here.
func TestRoundTrip(t *testing.T) {
	db := chtest.New(t)
	ctx := context.Background()
	evs := fixtures(t)
	for i, ev := range evs {
		spec := table.For(ev.SchemaName())
		batch, err := db.Conn.PrepareBatch(ctx, spec.InsertSQL(db.Database))
		require.NoError(t, err, spec.Name)
		require.NoError(t, batch.Append(spec.Values(ev, raw(t, ev), uint64(100+i), db.Dialect)...), spec.Name)
		require.NoError(t, batch.Send(), spec.Name)
	}
	inputs := map[*table.Spec]bool{}
	for _, spec := range table.Events() {
		inputs[spec] = true
	}
	for i, ev := range evs {
		spec := table.For(ev.SchemaName())
		t.Run(fmt.Sprintf("%s/%d", spec.Name, i), func(t *testing.T) {
			rows, err := db.Conn.Query(ctx, spec.Select(db.Database, db.Dialect)+" WHERE id = ?", ev.Header().ID)
			require.NoError(t, err)
			defer func() { _ = rows.Close() }()
			require.True(t, rows.Next(), "row read back")
			got, err := spec.Scan(rows)
			require.NoError(t, err)
			require.False(t, rows.Next(), "one row")
			assert.Equal(t, uint64(100+i), got.Seq)
			assert.Equal(t, spec.Values(ev, raw(t, ev), got.Seq, db.Dialect), spec.Values(got.Event, raw(t, ev), got.Seq, db.Dialect))
			if inputs[spec] {
				assert.Equal(t, ev, got.Event, "an input event comes back whole")
			}
		})
	}
}

// TestOnCurrentClickHouse inserts every fixture into the tables the
// migrations create on current ClickHouse (chdb; the test server is 18.16)
// and reads each back with the table's read-back query.
func TestOnCurrentClickHouse(t *testing.T) {
	const db = "carrywatch"
	stmts := chdbtest.Schema(t, db)
	evs := fixtures(t)
	want := map[*table.Spec][]any{}
	for i, ev := range evs {
		spec := table.For(ev.SchemaName())
		stmts = append(stmts, spec.InsertSQL(db)+" VALUES "+chdbtest.Values(spec.Values(ev, raw(t, ev), uint64(100+i), chschema.Current)))
		want[spec] = append(want[spec], ev.Header().ID)
	}
	cols, reads := map[*table.Spec]int{}, map[*table.Spec]int{}
	for _, spec := range table.All() {
		cols[spec] = len(stmts)
		stmts = append(stmts, "SELECT name FROM system.columns WHERE database = '"+db+"' AND table = '"+spec.Name+"' AND default_kind = ''")
		reads[spec] = len(stmts)
		stmts = append(stmts, spec.Select(db, chschema.Current)+" ORDER BY stream_seq")
	}
	results, err := chdbtest.Run(t, "the tables' current-ClickHouse test", "", nil, stmts)
	require.NoError(t, err)
	require.NoError(t, chdbtest.FirstError(results, stmts))
	for _, spec := range table.All() {
		var names []string
		for _, r := range results[cols[spec]].Rows {
			names = append(names, r["name"].(string))
		}
		assert.Equal(t, spec.Columns(), names, spec.Name)
		var ids []any
		for _, r := range results[reads[spec]].Rows {
			ids = append(ids, r["id"])
		}
		assert.Equal(t, want[spec], ids, spec.Name)
	}
}
