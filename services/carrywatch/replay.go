package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/table"
)

// report is the one JSON line `up --scenario` prints. Its counts add up:
// Published events (Duplicates among them) and Heartbeats are the CW_EVENTS
// messages the replay added; Stored counts the rows of the distinct events,
// Published − Duplicates when every one is stored. Heartbeats only advance
// the scorer's event time: the sink acknowledges them and stores nothing,
// so they are in no table and not in Stored, yet each can make a print and
// is part of Scores.
type report struct {
	Scenario    string `json:"scenario"`
	Published   int    `json:"published"`
	Duplicates  int    `json:"duplicates"`
	Heartbeats  int    `json:"heartbeats"`
	Stored      int    `json:"stored"`
	DeadLetters int    `json:"dead_letters"`
	// Scores is the number of prints the scorer made, over the events and
	// the heartbeats.
	Scores    int            `json:"scores"`
	LastPrint *lastPrint     `json:"last_print,omitempty"`
	ByTable   map[string]int `json:"stored_by_table"`
	ElapsedMS int64          `json:"elapsed_ms"`
	Complete  bool           `json:"complete"`
	// PeakRSSKB is this process's peak resident set size so far (KiB, from
	// /proc/self/status VmHWM; 0 where there is none).
	PeakRSSKB int64 `json:"peak_rss_kb,omitempty"`
}

// peakRSSKB returns VmHWM of /proc/self/status, 0 if unavailable. It is
// this process's own high-water mark: unlike getrusage on a child, it does
// not inherit the parent's from before exec.
func peakRSSKB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// lastPrint summarises the last print of a replay.
type lastPrint struct {
	EventTime time.Time `json:"event_time"`
	Index     float64   `json:"index"`
	Regime    string    `json:"regime"`
	Triggers  []string  `json:"triggers"`
	Drivers   []string  `json:"drivers"`
	ID        string    `json:"id"`
	// ModelVersion and CalibrationHash say which model scored the replay.
	ModelVersion    string `json:"model_version"`
	CalibrationHash string `json:"calibration_hash"`
}

// replayHeartbeat is the event-time step of a replay's heartbeats.
const replayHeartbeat = 10 * time.Minute

// replay plays the scenario and, with --exit-when-done, waits until every
// event and dead letter is visible in ClickHouse and the scorer has scored
// everything and its last print is stored.
func replay(ctx context.Context, f upFlags, bus *natsfx.Bus, ch *chfx.Client, scr *scorer.Scorer, sinkConsumer string, log zerolog.Logger) (*report, error) {
	start := time.Now()
	sc, err := scenario.Open(f.scenario, time.Now())
	if err != nil {
		return nil, err
	}
	log.Info().Str("scenario", f.scenario).Int("events", sc.Len()).Int("rejected", len(sc.Rejected)).
		Float64("speed", f.speed).Msg("replaying scenario")
	p := &scenario.Player{JS: bus.JetStream(), Speed: f.speed, Heartbeat: replayHeartbeat, Log: log,
		Pace: pacer(bus, sinkConsumer, scr)}
	if f.speed > 0 {
		p.MaxGap = time.Duration(float64(24*time.Hour) / f.speed) // a quiet stretch takes at most a simulated day
	}
	res, err := p.Play(ctx, sc)
	rep := &report{Scenario: f.scenario, Published: res.Published, Duplicates: res.Duplicates,
		Heartbeats: res.Heartbeats, ByTable: map[string]int{}}
	if err != nil {
		return rep, fmt.Errorf("replay %s: %w", f.scenario, err)
	}
	if !f.exitWhenDone {
		log.Info().Int("published", res.Published).Int("heartbeats", res.Heartbeats).Msg("scenario published")
		return nil, nil
	}
	// One row per distinct event: an event repeated within the play or
	// played before is acknowledged under the sequence it was first stored
	// with, which Seqs holds once.
	want := int(res.Seqs.Len())
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
				rep.Complete, rep.PeakRSSKB = true, peakRSSKB()
				return rep, nil
			}
			rep.LastPrint = &lastPrint{EventTime: last.ObservedAt, Index: last.Index, Regime: last.Regime,
				Triggers: last.Triggers, Drivers: last.Drivers, ID: last.ID,
				ModelVersion: last.ModelVersion, CalibrationHash: last.CalibrationHash}
			if stored, err := countIDs(wctx, ch.Conn(), ch.Database(), "v_risk_scores", []string{last.ID}); err == nil && stored == 1 {
				rep.Complete, rep.PeakRSSKB = true, peakRSSKB()
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

// maxAhead is how many CW_EVENTS messages a replay publishes ahead of the
// slower of the scorer and the sink. Without a bound a fast replay leaves a
// backlog whose size, and the memory JetStream spends caching it, grows
// with the scenario; with it, memory is the same for a million events as
// for five.
const maxAhead = 20_000

// pacer returns a Player.Pace that waits until the scorer has applied, and
// the sink's CW_EVENTS consumer has acknowledged, everything up to
// lastSeq − maxAhead.
func pacer(bus *natsfx.Bus, sinkConsumer string, scr *scorer.Scorer) func(context.Context, uint64) error {
	return func(ctx context.Context, lastSeq uint64) error {
		if lastSeq <= maxAhead {
			return nil
		}
		floor := lastSeq - maxAhead
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var cons jetstream.Consumer
		for {
			if scr.Watermark() >= floor {
				var info *jetstream.ConsumerInfo
				var err error
				if cons == nil {
					// Looking the consumer up reads its info: use that.
					if cons, err = bus.JetStream().Consumer(ctx, natsfx.StreamEvents, sinkConsumer); err == nil {
						info = cons.CachedInfo()
					}
				} else {
					info, err = cons.Info(ctx)
				}
				if err != nil {
					return fmt.Errorf("pace replay: %w", err)
				}
				if info.AckFloor.Stream >= floor {
					return nil
				}
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
}

// count reads how many rows of the play's sequences the views show.
func (r *report) count(ctx context.Context, conn driver.Conn, db string, res scenario.Result) error {
	where := seqFilter(res.Seqs.Ranges())
	stored := 0
	for schema := range res.ByKind {
		var n uint64
		spec := table.For(schema)
		if spec == nil {
			return fmt.Errorf("count %s: no table stores it", schema)
		}
		name, view := spec.Name, "v_"+spec.Name
		if err := conn.QueryRow(ctx, "SELECT count() FROM "+db+"."+view+" WHERE "+where).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", view, err)
		}
		r.ByTable[name] = int(n)
		stored += int(n)
	}
	r.Stored = stored
	n, err := countIDs(ctx, conn, db, "v_"+table.DeadLetters.Name, res.DeadLetterIDs)
	if err != nil {
		return err
	}
	r.DeadLetters = n
	return nil
}

// seqFilter is a WHERE condition matching stream_seq to any of ranges.
func seqFilter(ranges []scenario.SeqRange) string {
	if len(ranges) == 0 {
		return "0"
	}
	var b strings.Builder
	for i, r := range ranges {
		if i > 0 {
			b.WriteString(" OR ")
		}
		fmt.Fprintf(&b, "stream_seq BETWEEN %d AND %d", r.First, r.Last)
	}
	return b.String()
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
