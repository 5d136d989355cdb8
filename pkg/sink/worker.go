package sink

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/table"
)

// Stage is the name the sink gives its dead letters (cw.dlq.sink).
const Stage = "sink"

// pending is one consumed message waiting for its batch to be inserted.
type pending struct {
	msg       jetstream.Msg
	ev        event.Event
	seq       uint64
	delivered uint64
	stored    time.Time // when the stream stored it
}

// batch holds one table's pending rows. While one batch of a table is
// being inserted the worker fills the next: at most one insert per table is
// in flight, so a table's rows reach ClickHouse in order and memory stays
// bounded by two batches per table.
type batch struct {
	table *table.Spec
	items []pending
	since time.Time // when the oldest item arrived
	// inflight is closed when the table's insert in flight has finished
	// (rows acked or nak'ed); nil when none has started.
	inflight chan struct{}
	// spare is the slice of the finished insert, reused for the next batch.
	spare []pending
}

// worker drains one durable consumer into per-table batches. It runs on one
// goroutine; only the JetStream callback hands it messages.
type worker struct {
	s       *Sink
	src     source
	config  jetstream.ConsumerConfig
	isDLQ   bool
	log     zerolog.Logger
	in      chan jetstream.Msg
	batches map[string]*batch
	// behind is set while the consumer has undelivered messages: when it
	// catches up, what it read meanwhile is flushed at once rather than
	// BatchMaxWait later.
	behind bool
	// base bounds I/O: background while running, the Stop context's
	// deadline once stopping.
	base context.Context
	// floor is the consumer's ack floor as the lag reader last saw it; only
	// the lag reader touches it.
	floor ackFloor
}

// key names the worker's entry in the sink's health.
func (w *worker) key() string { return "consume/" + w.config.Durable }

// run consumes until stop. If JetStream stops delivering without being
// asked (the consumer was deleted, the connection closed), the worker
// reports it through readiness and recreates the consumer with backoff.
func (w *worker) run(consumer jetstream.Consumer, stop <-chan struct{}) {
	retry := w.s.cfg.retryPolicy().Start(context.Background(), stop)
	for {
		if consumer != nil {
			stopped, err := w.consume(consumer, stop)
			if stopped {
				return
			}
			w.s.health.set(w.key(), err)
			w.log.Error().Err(err).Msg("consumer lost, recreating it")
			if err == nil || errors.Is(err, ErrConsumerClosed) {
				retry.Reset()
			}
		}
		if !retry.Wait() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), w.s.cfg.InsertTimeout)
		c, err := w.s.js.CreateOrUpdateConsumer(ctx, w.src.stream, w.config)
		cancel()
		if err != nil {
			w.s.health.set(w.key(), fmt.Errorf("recreate consumer: %w", err))
			w.log.Warn().Err(err).Msg("recreate consumer failed, will retry")
			consumer = nil
			continue
		}
		consumer = c
	}
}

// consume runs one Consume subscription. It returns stopped = true after a
// requested stop (batches flushed and acked), or the reason JetStream ended
// the subscription.
func (w *worker) consume(consumer jetstream.Consumer, stop <-chan struct{}) (stopped bool, err error) {
	quit := make(chan struct{})
	defer close(quit)
	cc, err := consumer.Consume(
		func(m jetstream.Msg) {
			select {
			case w.in <- m:
			case <-quit: // the worker left this subscription: JetStream redelivers m
			}
		},
		jetstream.PullMaxMessages(w.s.cfg.BatchMaxRows),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			w.log.Warn().Err(err).Msg("pull error")
		}),
	)
	if err != nil {
		return false, fmt.Errorf("consume %s: %w", w.src.stream, err)
	}
	w.s.health.set(w.key(), nil)
	tick := time.NewTicker(max(w.s.cfg.BatchMaxWait/4, 5*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case m := <-w.in:
			w.handle(m)
		case <-tick.C:
			w.flushDue(time.Now())
		case <-cc.Closed():
			w.flushAll()
			return false, ErrConsumerClosed
		case <-stop:
			w.base = w.s.stopCtx
			w.drain(cc)
			return true, nil
		}
	}
}

// drain stops pulling, handles what the client already buffered, then
// flushes and acks every batch, all within the Stop deadline.
func (w *worker) drain(cc jetstream.ConsumeContext) {
	cc.Drain()
	deadline := time.NewTimer(w.s.cfg.InsertTimeout)
	if d, ok := w.base.Deadline(); ok {
		// Leave half of what remains for the final inserts.
		deadline.Reset(time.Until(d) / 2)
	}
	defer deadline.Stop()
	for done := false; !done; {
		select {
		case m := <-w.in:
			w.handle(m)
		case <-cc.Closed():
			done = true
		case <-deadline.C:
			w.log.Warn().Msg("consumer did not drain in time, unread messages will be redelivered")
			done = true
		}
	}
	for {
		select {
		case m := <-w.in:
			w.handle(m)
			continue
		default:
		}
		break
	}
	w.flushAll()
}

func (w *worker) handle(m jetstream.Msg) {
	w.s.metrics.consumed.WithLabelValues(w.src.stream).Inc()
	p := pending{msg: m, stored: time.Now()}
	caughtUp := false
	if meta, err := m.Metadata(); err == nil {
		p.seq, p.delivered, p.stored = meta.Sequence.Stream, meta.NumDelivered, meta.Timestamp
		caughtUp = meta.NumPending == 0
	}
	stored := p.stored
	if !caughtUp {
		w.behind = true
	} else if w.behind {
		// The end of a backlog: flush what it left in the batches, after
		// this message.
		w.behind = false
		defer w.flushStarted()
	}
	ev, err := w.decode(m, p.seq, stored)
	if err != nil {
		w.reject(w.base, p, err, stored)
		return
	}
	p.ev = ev
	if ev.SchemaName() == event.SchemaHeartbeat {
		// A heartbeat only advances the scorer's event time: nothing to store.
		if err := m.Ack(); err != nil {
			w.log.Debug().Err(err).Uint64("stream_seq", p.seq).Msg("ack not delivered, heartbeat will be redelivered")
		}
		return
	}
	t := table.For(ev.SchemaName())
	if t == nil {
		// Unreachable while every kind that passes decode on a sink stream
		// has a table; a new kind must not crash the worker or vanish.
		w.reject(w.base, p, fmt.Errorf("%s has no table in the sink", ev.SchemaName()), stored)
		return
	}
	b := w.batches[t.Name]
	if b == nil {
		b = &batch{table: t}
		w.batches[t.Name] = b
	}
	if len(b.items) == 0 {
		b.since = time.Now()
	}
	b.items = append(b.items, p)
	if len(b.items) >= w.s.cfg.BatchMaxRows {
		w.flush(b)
	}
}

// decode parses and validates a message and checks it was sent on its own
// subject: its kind's, with its key (event.CheckSubject). On CW_DLQ
// anything undecodable, or a dead letter on another stage's subject, is
// itself wrapped in a dead letter, so the dead-letter stream can never loop.
func (w *worker) decode(m jetstream.Msg, seq uint64, stored time.Time) (event.Event, error) {
	ev, err := event.Parse(m.Data(), w.s.now())
	if err == nil {
		err = event.CheckSubject(ev, m.Subject())
	}
	if err == nil || !w.isDLQ {
		return ev, err
	}
	stage := strings.TrimPrefix(m.Subject(), "cw.dlq.")
	if stage == "" || strings.ContainsAny(stage, ".*>") {
		stage = "unknown"
	}
	return event.NewDeadLetter(stage, m.Subject(), m.Data(), seq,
		fmt.Errorf("undecodable dead letter: %w", err), stored, stored), nil
}

// reject publishes the message to cw.dlq.sink and terminates it. If the
// dead letter cannot be published the message is redelivered later instead:
// it is never dropped.
func (w *worker) reject(base context.Context, p pending, cause error, stored time.Time) {
	if w.isDLQ {
		// Re-dead-lettering a dead letter would feed it back to this worker.
		// It stays in CW_DLQ, where an operator can read it.
		w.log.Error().Err(cause).Str("subject", p.msg.Subject()).Uint64("stream_seq", p.seq).
			Msg("dead letter cannot be stored, left in CW_DLQ")
		w.s.metrics.deadLetters.WithLabelValues("unstorable_dead_letter").Inc()
		_ = p.msg.TermWithReason("unstorable dead letter")
		return
	}
	dl := event.NewDeadLetter(Stage, p.msg.Subject(), p.msg.Data(), p.seq, cause, stored, w.s.now())
	err := w.publish(base, dl)
	if err != nil && w.exhausted(p) {
		// JetStream will not deliver it again: say so loudly, with the
		// reason, and leave it in its stream.
		w.s.metrics.abandoned.WithLabelValues(w.src.stream).Inc()
		w.log.Error().Err(err).Str("subject", p.msg.Subject()).Uint64("stream_seq", p.seq).
			Uint64("delivered", p.delivered).Str("code", dl.Code).Str("reason", dl.Reason).
			Msg("dead letter not published and deliveries exhausted, message left in its stream")
		_ = p.msg.TermWithReason("deliveries exhausted, dead letter not published")
		return
	}
	if err != nil {
		delay := w.s.cfg.retryDelay(p.delivered)
		w.log.Warn().Err(err).Str("subject", p.msg.Subject()).Uint64("stream_seq", p.seq).
			Str("code", dl.Code).Str("reason", dl.Reason).
			Dur("retry_in", delay).Msg("dead letter not published, message will be redelivered")
		_ = p.msg.NakWithDelay(delay)
		return
	}
	reason := dl.Reason
	if len(reason) > 256 {
		reason = reason[:256]
	}
	if err := p.msg.TermWithReason(reason); err != nil {
		w.log.Debug().Err(err).Uint64("stream_seq", p.seq).Msg("term not delivered")
	}
	w.s.metrics.deadLetters.WithLabelValues(dl.Code).Inc()
	w.log.Warn().Str("subject", p.msg.Subject()).Uint64("stream_seq", p.seq).
		Str("msg_id", p.msg.Headers().Get(jetstream.MsgIDHeader)).Str("dead_letter_id", dl.ID).
		Str("code", dl.Code).Str("reason", dl.Reason).Bool("truncated", dl.Truncated).Msg("message rejected to dead letters")
}

// exhausted reports whether JetStream will not deliver p again if it is
// not acked: p had its last delivery.
func (w *worker) exhausted(p pending) bool {
	return w.config.MaxDeliver > 0 && p.delivered >= uint64(w.config.MaxDeliver)
}

// publish sends a dead letter to CW_DLQ, cut to the max payload the NATS
// connection negotiated, and waits for JetStream's ack within the insert
// timeout.
func (w *worker) publish(base context.Context, dl *event.DeadLetter) error {
	if err := dl.Fit(w.s.js.Conn().MaxPayload()); err != nil {
		return err
	}
	data, err := event.Marshal(dl)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(base, w.s.cfg.InsertTimeout)
	defer cancel()
	if _, err := w.s.js.Publish(ctx, dl.Subject(), data, jetstream.WithMsgID(dl.ID)); err != nil {
		return fmt.Errorf("publish dead letter: %w", err)
	}
	return nil
}

// flushAll starts the insert of every batch and waits for all of them.
func (w *worker) flushAll() {
	w.flushStarted()
	for _, b := range w.batches {
		w.wait(b)
	}
}

// flushStarted starts the insert of every non-empty batch, waiting only
// for a table's previous insert.
func (w *worker) flushStarted() {
	for _, b := range w.batches {
		w.flush(b)
	}
}

// wait blocks until the table's insert in flight, if any, has finished.
func (w *worker) wait(b *batch) {
	if b.inflight != nil {
		<-b.inflight
		b.inflight = nil
	}
}

func (w *worker) flushDue(now time.Time) {
	for _, b := range w.batches {
		if len(b.items) > 0 && now.Sub(b.since) >= w.s.cfg.BatchMaxWait {
			w.flush(b)
		}
	}
}

// flush hands a batch to a goroutine that inserts it and then acks every
// message in it, and returns once the table's previous insert has finished:
// the worker goes on consuming and parsing while ClickHouse works. If
// ClickHouse does not accept the batch every message is nak'ed with a
// backoff delay so JetStream redelivers it: nothing is acked that is not
// stored.
func (w *worker) flush(b *batch) {
	if len(b.items) == 0 {
		return
	}
	w.wait(b)
	items, base, done := b.items, w.base, make(chan struct{})
	b.items, b.spare, b.inflight = b.spare[:0], nil, done
	go func() {
		defer close(done)
		w.store(base, b.table, items)
		clear(items)
		b.spare = items[:0] // read by the worker only after done is closed
	}()
}

// store inserts items into t and acks or naks them; base bounds its I/O.
func (w *worker) store(base context.Context, t *table.Spec, items []pending) {
	start := time.Now()
	items, err := w.insert(base, t, items)
	elapsed := time.Since(start)
	log := w.log.With().Str("table", t.Name).Int("rows", len(items)).Dur("elapsed", elapsed).Logger()
	if err != nil {
		w.s.health.set("insert/"+t.Name, err)
		w.s.metrics.insertFails.WithLabelValues(t.Name).Inc()
		var delay time.Duration
		exhausted := 0
		for _, p := range items {
			if w.exhausted(p) {
				// Its last delivery: recorded as a dead letter, with the
				// failure, rather than dropped by JetStream.
				exhausted++
				w.reject(base, p, fmt.Errorf("%w: %d deliveries, last failure: %w", event.ErrMaxDeliveries, p.delivered, err), p.stored)
				continue
			}
			delay = w.s.cfg.retryDelay(p.delivered)
			_ = p.msg.NakWithDelay(delay)
		}
		log.Warn().Err(err).Dur("retry_in", delay).Int("exhausted", exhausted).Msg("insert failed, batch will be redelivered")
		return
	}
	w.s.health.set("insert/"+t.Name, nil)
	w.s.metrics.rows.WithLabelValues(t.Name).Add(float64(len(items)))
	w.s.metrics.batchTime.WithLabelValues(t.Name).Observe(elapsed.Seconds())
	for _, p := range items {
		if err := p.msg.Ack(); err != nil {
			log.Debug().Err(err).Uint64("stream_seq", p.seq).Msg("ack not delivered, stored row will be redelivered and replaced")
		}
	}
	log.Debug().Msg("batch inserted")
}

// insert sends items in one INSERT into t and returns the items it stored
// or tried to. A row ClickHouse's client cannot encode is dead-lettered
// and the rest retried, so one bad row never blocks a table.
func (w *worker) insert(base context.Context, t *table.Spec, items []pending) ([]pending, error) {
	st := w.s.store
	d, db := st.Dialect(), st.Database()
	for len(items) > 0 {
		ctx, cancel := context.WithTimeout(base, w.s.cfg.InsertTimeout)
		bt, err := st.Conn().PrepareBatch(ctx, t.InsertSQL(db))
		if err != nil {
			cancel()
			return items, fmt.Errorf("prepare batch %s: %w", t.Name, err)
		}
		bad, badErr := -1, error(nil)
		for i, p := range items {
			if err := bt.Append(t.Values(p.ev, p.msg.Data(), p.seq, d)...); err != nil {
				bad, badErr = i, err
				break
			}
		}
		if bad < 0 {
			err = bt.Send()
			cancel()
			if err != nil {
				return items, fmt.Errorf("send batch %s: %w", t.Name, err)
			}
			return items, nil
		}
		_ = bt.Abort()
		cancel()
		p := items[bad]
		w.reject(base, p, fmt.Errorf("append row to %s: %w", t.Name, badErr), p.ev.Header().IngestedAt)
		items = append(items[:bad], items[bad+1:]...)
	}
	return items, nil
}
