package scenario

import (
	"context"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/backoff"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Stage names the player's dead letters (cw.dlq.replay).
const Stage = "replay"

// Result counts what a play published.
type Result struct {
	// Published is the number of events JetStream accepted, duplicates
	// included, heartbeats aside.
	Published int `json:"published"`
	// Duplicates is how many of them JetStream had already (same Nats-Msg-Id).
	Duplicates int `json:"duplicates"`
	// Heartbeats is the number of heartbeats JetStream accepted on
	// cw.events.heartbeat, duplicates included. They are CW_EVENTS messages
	// like the events, but the sink acknowledges them without storing a
	// row: Published + Heartbeats is what the play added to CW_EVENTS.
	Heartbeats int `json:"heartbeats"`
	// DeadLetters is the number of rejected lines sent to cw.dlq.replay.
	DeadLetters int `json:"dead_letters_published"`
	// LastSeq is the highest CW_EVENTS sequence JetStream acknowledged.
	LastSeq uint64 `json:"-"`
	// Seqs holds the CW_EVENTS sequence of every event played, heartbeats
	// aside (a duplicate's is the one JetStream stored it under first): the
	// rows of this play are the ones carrying these stream_seq values. It
	// takes a range per stretch between heartbeats, not an entry per event.
	Seqs SeqSet `json:"-"`
	// ByKind counts the published events by schema, duplicates included.
	ByKind map[string]int `json:"-"`
	// DeadLetterIDs are the ids of the dead letters published (one per
	// rejected line, which the scenario holds anyway).
	DeadLetterIDs []string `json:"-"`
}

// Player publishes a scenario to JetStream.
type Player struct {
	JS jetstream.JetStream
	// Speed is event time per wall time: 1 plays in real time, 3600 plays an
	// hour a second, 0 plays as fast as JetStream accepts.
	Speed float64
	// MaxGap caps the wall time spent on one quiet stretch of event time,
	// so a scenario with a gap of weeks does not sit idle; 0 = no cap.
	MaxGap time.Duration
	// Heartbeat, if positive, adds a heartbeat at every multiple of it in
	// event time (see WithHeartbeats); they are published and counted in
	// Result.Heartbeats, not in Published.
	Heartbeat time.Duration
	Log       zerolog.Logger
	// Pace, if set, is called after every window of acknowledged publishes
	// with the highest CW_EVENTS sequence so far; it may block to keep the
	// player from running too far ahead of the pipeline's consumers (a
	// backlog costs JetStream memory for every block it caches).
	Pace func(ctx context.Context, lastSeq uint64) error
	// Progress, if set, is called after every window of acknowledged
	// publishes and once at the end with the events acknowledged so far
	// (Result.Published); it must not block.
	Progress func(published int)
	// Now stamps dead letters; time.Now if nil.
	Now func() time.Time
	// Wait spends the wall time between two events: it returns after d, or
	// ctx's error if ctx ends first. backoff.Sleep if nil; tests pass one
	// that records d and returns at once.
	Wait func(ctx context.Context, d time.Duration) error
}

// Play publishes every rejected line to cw.dlq.replay, then every event with
// Nats-Msg-Id = its id (a generated scenario's without: see Generated), waiting between events for their event-time gap
// divided by Speed. It returns when JetStream acknowledged everything, or
// with the first publish error. It holds at most maxInFlight events at a
// time, whatever the scenario's size.
func (p *Player) Play(ctx context.Context, sc *Scenario) (Result, error) {
	now, waitFor := time.Now, backoff.Sleep
	if p.Now != nil {
		now = p.Now
	}
	if p.Wait != nil {
		waitFor = p.Wait
	}
	res := Result{ByKind: make(map[string]int)}
	for _, r := range sc.Rejected {
		dl := event.NewDeadLetter(Stage, "", r.Raw, 0, r.Err, sc.Start(), now())
		if _, err := natsfx.PublishEvent(ctx, p.JS, dl); err != nil {
			return res, err
		}
		res.DeadLetters++
		res.DeadLetterIDs = append(res.DeadLetterIDs, dl.ID)
		p.Log.Warn().Int("line", r.Line).Str("code", dl.Code).Str("reason", dl.Reason).Msg("scenario line rejected to dead letters")
	}
	window := natsfx.NewPublishWindow(p.JS, maxInFlight, res.count)
	var prev time.Time
	i := 0
	for ev := range Heartbeats(sc.All(), p.Heartbeat) {
		at := ev.Header().ObservedAt
		if p.Speed > 0 && i > 0 && at.Truncate(24*time.Hour).After(prev.Truncate(24*time.Hour)) {
			p.Log.Info().Str("event_date", prev.Format(time.DateOnly)).Int("events", i).Msg("scenario day replayed")
		}
		if p.Speed > 0 && i > 0 && at.After(prev) {
			d := time.Duration(float64(at.Sub(prev)) / p.Speed)
			if p.MaxGap > 0 {
				d = min(d, p.MaxGap)
			}
			if err := waitFor(ctx, d); err != nil {
				return res, err
			}
		}
		prev = at
		data, err := event.Marshal(ev)
		if err != nil {
			return res, err
		}
		var opts []jetstream.PublishOpt
		if !sc.Generated() {
			opts = append(opts, jetstream.WithMsgID(ev.Header().ID))
		}
		counted := ev.SchemaName() != event.SchemaHeartbeat
		flushed, err := window.Publish(ctx, &nats.Msg{Subject: ev.Subject(), Data: data}, counted, opts...)
		if err != nil {
			return res, err
		}
		if counted {
			res.ByKind[ev.SchemaName()]++
		}
		i++
		if flushed {
			if p.Progress != nil {
				p.Progress(res.Published)
			}
			if p.Pace != nil {
				if err := p.Pace(ctx, res.LastSeq); err != nil {
					return res, err
				}
			}
		}
	}
	if err := window.Flush(ctx); err != nil {
		return res, err
	}
	if p.Progress != nil {
		p.Progress(res.Published)
	}
	return res, nil
}

// maxInFlight bounds the publishes awaiting their acknowledgement, well
// under the client's limit of pending asynchronous publishes.
const maxInFlight = 1000

// count records an acknowledged publish: an event when counted, else a
// heartbeat.
func (res *Result) count(ack *jetstream.PubAck, counted bool) {
	res.LastSeq = max(res.LastSeq, ack.Sequence)
	if !counted {
		res.Heartbeats++
		return
	}
	res.Seqs.Add(ack.Sequence)
	res.Published++
	if ack.Duplicate {
		res.Duplicates++
	}
}
