package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
)

// storedEvents reads every input event observed in [from, to) back from the
// de-duplicated views, as the events the sink stored, in CW_EVENTS order
// (stream_seq): the order the live scorer read them in.
func storedEvents(ctx context.Context, cfg chfx.Config, from, to time.Time) ([]event.Event, error) {
	if len(cfg.Addr) == 0 {
		return nil, fmt.Errorf("CW_CLICKHOUSE_ADDR is not set")
	}
	conn, err := chfx.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() { _ = conn.Close() }()
	d, err := chschema.DetectDialect(ctx, conn)
	if err != nil {
		return nil, err
	}
	r := &storedReader{conn: conn, db: cfg.Database, d: d, from: from, to: to}
	var stored []storedEvent
	for _, read := range []func(context.Context) ([]storedEvent, error){r.jgb, r.fedOdds, r.etf, r.venues, r.markets} {
		evs, err := read(ctx)
		if err != nil {
			return nil, err
		}
		stored = append(stored, evs...)
	}
	sort.SliceStable(stored, func(i, j int) bool { return stored[i].seq < stored[j].seq })
	events := make([]event.Event, len(stored))
	for i, s := range stored {
		events[i] = s.ev
	}
	return events, nil
}

// storedEvent is an event and the CW_EVENTS sequence it was stored from.
type storedEvent struct {
	seq uint64
	ev  event.Event
}

type storedReader struct {
	conn     driver.Conn
	db       string
	d        chschema.Dialect
	from, to time.Time
	lastSeq  uint64 // stream_seq of the row last scanned
}

// query selects the common columns then cols from view within the window.
func (r *storedReader) query(ctx context.Context, view, cols string, scan func(rows driver.Rows) (event.Event, error)) ([]storedEvent, error) {
	q := "SELECT id, source, " + r.d.MillisExpr("observed_at") + " AS obs, " + r.d.MillisExpr("ingested_at") + ", " + cols + ", stream_seq" +
		" FROM " + r.db + "." + view + " WHERE obs >= ? AND obs < ? ORDER BY obs, id"
	rows, err := r.conn.Query(ctx, q, r.from.UnixMilli(), r.to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", view, err)
	}
	defer func() { _ = rows.Close() }()
	var out []storedEvent
	for rows.Next() {
		ev, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", view, err)
		}
		out = append(out, storedEvent{seq: r.lastSeq, ev: ev})
	}
	return out, rows.Err()
}

func meta(id, source string, obs, ing int64) event.Meta {
	return event.Meta{ID: id, Source: source, ObservedAt: time.UnixMilli(obs).UTC(), IngestedAt: time.UnixMilli(ing).UTC()}
}

func (r *storedReader) jgb(ctx context.Context) ([]storedEvent, error) {
	return r.query(ctx, "v_jgb_yields", "tenor, yield_pct", func(rows driver.Rows) (event.Event, error) {
		var id, source, tenor string
		var obs, ing int64
		var y float64
		err := rows.Scan(&id, &source, &obs, &ing, &tenor, &y, &r.lastSeq)
		e := &event.JGBYield{Meta: meta(id, source, obs, ing), Tenor: tenor, YieldPct: y}
		e.Schema = e.SchemaName()
		return e, err
	})
}

func (r *storedReader) fedOdds(ctx context.Context) ([]storedEvent, error) {
	return r.query(ctx, "v_fed_odds", "toString(meeting), change_bp, probability", func(rows driver.Rows) (event.Event, error) {
		var id, source, meeting string
		var obs, ing int64
		var change []int16
		var prob []float64
		err := rows.Scan(&id, &source, &obs, &ing, &meeting, &change, &prob, &r.lastSeq)
		e := &event.FedOdds{Meta: meta(id, source, obs, ing), Meeting: meeting}
		for i := range change {
			e.Outcomes = append(e.Outcomes, event.Outcome{ChangeBP: int(change[i]), Probability: prob[i]})
		}
		e.Schema = e.SchemaName()
		return e, err
	})
}

func (r *storedReader) etf(ctx context.Context) ([]storedEvent, error) {
	return r.query(ctx, "v_etf_flows", "asset, ticker, toString(trade_date), flow_usd, aum_usd", func(rows driver.Rows) (event.Event, error) {
		var id, source, asset, ticker, day string
		var obs, ing int64
		var flow float64
		var aum *float64
		err := rows.Scan(&id, &source, &obs, &ing, &asset, &ticker, &day, &flow, &aum, &r.lastSeq)
		e := &event.ETFFlow{Meta: meta(id, source, obs, ing), Asset: asset, Ticker: ticker, TradeDate: day, FlowUSD: flow, AUMUSD: aum}
		e.Schema = e.SchemaName()
		return e, err
	})
}

func (r *storedReader) venues(ctx context.Context) ([]storedEvent, error) {
	cols := "venue, incident_id, action, severity, status, title, components, " + r.d.MillisExpr("started_at") + ", " + r.d.MillisExpr("resolved_at")
	return r.query(ctx, "v_venue_status", cols, func(rows driver.Rows) (event.Event, error) {
		var id, source, venue, inc, action, sev, status, title string
		var obs, ing, started, resolved int64
		var comps []string
		err := rows.Scan(&id, &source, &obs, &ing, &venue, &inc, &action, &sev, &status, &title, &comps, &started, &resolved, &r.lastSeq)
		e := &event.VenueStatus{Meta: meta(id, source, obs, ing), Venue: venue, IncidentID: inc, Action: action,
			Severity: sev, Status: status, Title: title, Components: comps, StartedAt: time.UnixMilli(started).UTC()}
		if resolved != 0 {
			t := time.UnixMilli(resolved).UTC()
			e.ResolvedAt = &t
		}
		e.Schema = e.SchemaName()
		return e, err
	})
}

func (r *storedReader) markets(ctx context.Context) ([]storedEvent, error) {
	return r.query(ctx, "v_market_quotes", "instrument, value, unit, kind, derived_from", func(rows driver.Rows) (event.Event, error) {
		var id, source, instrument, unit, kind, derived string
		var obs, ing int64
		var v float64
		err := rows.Scan(&id, &source, &obs, &ing, &instrument, &v, &unit, &kind, &derived, &r.lastSeq)
		e := &event.MarketQuote{Meta: meta(id, source, obs, ing), Instrument: instrument, Value: v, Unit: unit, Kind: kind, DerivedFrom: derived}
		e.Schema = e.SchemaName()
		return e, err
	})
}
