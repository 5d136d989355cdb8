package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/table"
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
	obs := d.MillisExpr("observed_at")
	var stored []table.Stored
	for _, spec := range table.Events() {
		q := spec.Select(cfg.Database, d) + " WHERE " + obs + " >= ? AND " + obs + " < ? ORDER BY observed_at, id"
		rows, err := conn.Query(ctx, q, from.UnixMilli(), to.UnixMilli())
		if err != nil {
			return nil, fmt.Errorf("read v_%s: %w", spec.Name, err)
		}
		for rows.Next() {
			s, err := spec.Scan(rows)
			if err != nil {
				_ = rows.Close()
				return nil, fmt.Errorf("read v_%s: %w", spec.Name, err)
			}
			stored = append(stored, s)
		}
		err = rows.Err()
		_ = rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read v_%s: %w", spec.Name, err)
		}
	}
	sort.SliceStable(stored, func(i, j int) bool { return stored[i].Seq < stored[j].Seq })
	events := make([]event.Event, len(stored))
	for i, s := range stored {
		events[i] = s.Event
	}
	return events, nil
}
