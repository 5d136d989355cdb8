package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/sink"
)

// report is the one JSON line `up --scenario` prints.
type report struct {
	Scenario    string         `json:"scenario"`
	Published   int            `json:"published"`
	Duplicates  int            `json:"duplicates"`
	Stored      int            `json:"stored"`
	DeadLetters int            `json:"dead_letters"`
	Scores      int            `json:"scores"`
	LastPrint   *lastPrint     `json:"last_print,omitempty"`
	ByTable     map[string]int `json:"stored_by_table"`
	ElapsedMS   int64          `json:"elapsed_ms"`
	Complete    bool           `json:"complete"`
}

// lastPrint summarises the last print of a replay.
type lastPrint struct {
	EventTime time.Time `json:"event_time"`
	Index     float64   `json:"index"`
	Regime    string    `json:"regime"`
	Triggers  []string  `json:"triggers"`
	Drivers   []string  `json:"drivers"`
	ID        string    `json:"id"`
}

// replayHeartbeat is the event-time step of a replay's heartbeats.
const replayHeartbeat = 10 * time.Minute

// replay plays the scenario and, with --exit-when-done, waits until every
// event and dead letter is visible in ClickHouse and the scorer has scored
// everything and its last print is stored.
func replay(ctx context.Context, f upFlags, bus *natsfx.Bus, ch *chfx.Client, scr *scorer.Scorer, log zerolog.Logger) (*report, error) {
	start := time.Now()
	data, err := scenario.Load(f.scenario)
	if err != nil {
		return nil, err
	}
	sc, err := scenario.Parse(data, time.Now())
	if err != nil {
		return nil, err
	}
	log.Info().Str("scenario", f.scenario).Int("events", len(sc.Events)).Int("rejected", len(sc.Rejected)).
		Float64("speed", f.speed).Msg("replaying scenario")
	p := &scenario.Player{JS: bus.JetStream(), Speed: f.speed, Heartbeat: replayHeartbeat, Log: log}
	if f.speed > 0 {
		p.MaxGap = time.Duration(float64(24*time.Hour) / f.speed) // a quiet stretch takes at most a simulated day
	}
	res, err := p.Play(ctx, sc)
	rep := &report{Scenario: f.scenario, Published: res.Published, Duplicates: res.Duplicates, ByTable: map[string]int{}}
	if err != nil {
		return rep, fmt.Errorf("replay %s: %w", f.scenario, err)
	}
	if !f.exitWhenDone {
		log.Info().Int("published", res.Published).Msg("scenario published")
		return nil, nil
	}
	want := 0
	for _, ids := range res.EventIDs {
		want += len(unique(ids))
	}
	wctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := rep.count(wctx, ch.Conn(), ch.Database(), res); err != nil {
			log.Debug().Err(err).Msg("count stored rows")
		}
		rep.ElapsedMS = time.Since(start).Milliseconds()
		if rep.Stored >= want && rep.DeadLetters >= len(res.DeadLetterIDs) && scr.Watermark() >= res.LastSeq {
			last, n := scr.Last()
			rep.Scores = n
			if last == nil {
				rep.Complete = true
				return rep, nil
			}
			rep.LastPrint = &lastPrint{EventTime: last.ObservedAt, Index: last.Index, Regime: last.Regime,
				Triggers: last.Triggers, Drivers: last.Drivers, ID: last.ID}
			if stored, err := countIDs(wctx, ch.Conn(), ch.Database(), "v_risk_scores", []string{last.ID}); err == nil && stored == 1 {
				rep.Complete = true
				return rep, nil
			}
		}
		select {
		case <-wctx.Done():
			return rep, fmt.Errorf("waited %s: %d of %d events and %d of %d dead letters stored",
				f.timeout, rep.Stored, want, rep.DeadLetters, len(res.DeadLetterIDs))
		case <-tick.C:
		}
	}
}

// count reads how many of the published ids are visible in the views.
func (r *report) count(ctx context.Context, conn driver.Conn, db string, res scenario.Result) error {
	stored := 0
	for schema, ids := range res.EventIDs {
		n, err := countIDs(ctx, conn, db, "v_"+sink.Table(schema), unique(ids))
		if err != nil {
			return err
		}
		r.ByTable[sink.Table(schema)] = n
		stored += n
	}
	r.Stored = stored
	n, err := countIDs(ctx, conn, db, "v_"+sink.Table(event.SchemaDeadLetter), res.DeadLetterIDs)
	if err != nil {
		return err
	}
	r.DeadLetters = n
	return nil
}

func countIDs(ctx context.Context, conn driver.Conn, db, view string, ids []string) (int, error) {
	total := 0
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 5000)]
		ids = ids[len(chunk):]
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM "+db+"."+view+" WHERE id IN (SELECT arrayJoin(?))", chunk).Scan(&n); err != nil {
			return 0, fmt.Errorf("count %s: %w", view, err)
		}
		total += int(n)
	}
	return total, nil
}

func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
