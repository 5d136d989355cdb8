package scorer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// saveTimeout bounds one snapshot write.
const saveTimeout = 5 * time.Second

// subscribe creates an ordered consumer on CW_EVENTS that starts after the
// last sequence applied.
func (s *Scorer) subscribe(ctx context.Context) (jetstream.MessagesContext, error) {
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{event.SubjectEvents},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		// The ordered consumer recreates itself once after a delete, a
		// reconnect or missed heartbeats; if that fails, Next says so and
		// run takes over, with backoff and readiness, instead of the
		// client retrying forever inside Next while the scorer looks well.
		MaxResetAttempts: 1,
	}
	if s.seq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, s.seq+1
	}
	cons, err := s.js.OrderedConsumer(ctx, natsfx.StreamEvents, cfg)
	if err != nil {
		return nil, fmt.Errorf("create ordered consumer: %w", err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("read ordered consumer: %w", err)
	}
	return it, nil
}

// run consumes CW_EVENTS from it until Stop. When JetStream ends the
// consumer it reports the loss through Ready and recreates the consumer
// from the sequence after the last one applied, with backoff. On Stop it
// lets the publisher finish, then saves the newest safe snapshot.
func (s *Scorer) run(it jetstream.MessagesContext) {
	defer s.finish()
	retry := retryBackoff.Start(s.quit, nil)
	for {
		if it != nil {
			err := s.consume(it)
			if err == nil {
				return
			}
			s.setConsumerErr(err)
			s.log.Error().Err(err).Uint64("stream_seq", s.seq).Msg("consumer lost, recreating it")
			it = nil
			retry.Reset()
		}
		if !retry.Wait() {
			return
		}
		ctx, cancel := context.WithTimeout(s.quit, attemptTimeout)
		next, err := s.subscribe(ctx)
		cancel()
		if err != nil {
			s.setConsumerErr(fmt.Errorf("recreate consumer on %s: %w", natsfx.StreamEvents, err))
			s.log.Warn().Err(err).Dur("retry_in", retry.Next()).Msg("recreate consumer failed, retrying")
			continue
		}
		it = next
		s.setConsumerErr(nil)
		s.log.Info().Uint64("stream_seq", s.seq).Msg("consumer recreated")
	}
}

// consume applies the messages of it until Stop (nil) or until JetStream
// ends it (the reason). While caught up, it wakes after SnapshotInterval
// without input to save the state the last events left.
func (s *Scorer) consume(it jetstream.MessagesContext) error {
	defer it.Stop()
	caughtUp := false
	for {
		ctx, cancel := s.quit, context.CancelFunc(func() {})
		if caughtUp {
			ctx, cancel = context.WithTimeout(s.quit, s.cfg.SnapshotInterval)
		}
		msg, err := it.Next(jetstream.NextContext(ctx))
		idle := err != nil && ctx.Err() != nil // not a timeout inside the client
		cancel()
		switch {
		case s.quit.Err() != nil:
			return nil
		case idle:
			s.checkpoint(time.Now())
			continue
		case errors.Is(err, jetstream.ErrMsgIteratorClosed):
			return fmt.Errorf("read %s: %w: %w", natsfx.StreamEvents, ErrConsumerClosed, err)
		case err != nil:
			return fmt.Errorf("read %s: %w", natsfx.StreamEvents, err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			s.log.Debug().Err(err).Str("subject", msg.Subject()).Msg("message without metadata skipped")
			continue
		}
		caughtUp = meta.NumPending == 0
		if !s.apply(meta.Sequence.Stream, msg.Subject(), msg.Data()) {
			return nil
		}
		s.checkpoint(time.Now())
	}
}

// apply feeds the event at stream sequence seq to the model and hands the
// print, if the publish rule selects one, to the publisher. It returns
// false if Stop came while the publisher's queue was full: that print is
// not queued, and the snapshot saved on stop stays before it. An event is
// read only from its own subject, as the sink stores it: a user that may
// publish yields must not pass off a heartbeat as one.
func (s *Scorer) apply(seq uint64, subject string, data []byte) bool {
	if seq <= s.seq {
		return true
	}
	s.seq = seq
	defer s.applied.Store(seq) // after the print, if any, is counted
	ev, err := event.Parse(data, time.Now())
	if err == nil {
		err = event.CheckSubject(ev, subject)
	}
	if err != nil {
		s.m.invalid.Inc()
		s.log.Debug().Err(err).Uint64("stream_seq", seq).Msg("input skipped (the sink dead-letters it)")
		return true
	}
	s.m.events.Inc()
	publish := s.model.Update(ev, seq)
	s.m.watermark.Set(float64(seq))
	if late := s.model.Late(); late > s.late {
		s.m.late.Add(float64(late - s.late))
		s.late = late
		h := ev.Header()
		s.lateLog.Info().Str("subject", subject).Time("observed_at", h.ObservedAt).Uint64("stream_seq", seq).Uint64("late_total", late).
			Msg("observation older than its series' latest day: stored, left out of the index")
	}
	if !publish {
		return true
	}
	p := s.model.Print()
	if p == nil {
		return true
	}
	s.selected.Add(1)
	return s.pub.send(p, s.quit.Done()) // waits while the publisher is behind
}

// checkpoint takes a snapshot every SnapshotInterval of wall time while the
// state changes, and saves the newest one whose prints JetStream has all
// acknowledged.
func (s *Scorer) checkpoint(now time.Time) {
	if now.Sub(s.lastCheckpoint) >= s.cfg.SnapshotInterval && s.seq > s.checkpointSeq {
		s.lastCheckpoint, s.checkpointSeq = now, s.seq
		data, err := s.model.Snapshot()
		if err != nil {
			s.log.Warn().Err(err).Msg("state snapshot not taken, a restart will replay more")
		} else {
			s.checkpoints.add(checkpoint{snap: snapshot{StreamSeq: s.seq, Model: data}, prints: s.selected.Load()})
		}
	}
	if len(s.checkpoints.list) == 0 {
		return
	}
	settled, _ := s.pub.progress()
	if snap, ok := s.checkpoints.take(settled); ok {
		ctx, cancel := context.WithTimeout(s.quit, saveTimeout)
		s.save(ctx, snap)
		cancel()
	}
}

// finish lets the publisher publish what it holds within half of what
// remains of Stop's deadline, then saves the newest snapshot no
// unacknowledged print is before: the current state if every print is
// acknowledged, else the newest checkpoint whose prints are. Then it waits
// for the heartbeat.
func (s *Scorer) finish() {
	stopCtx := s.stopContext()
	budget := ackTimeout
	if d, ok := stopCtx.Deadline(); ok {
		budget = time.Until(d) / 2
	}
	s.pub.finish(budget)
	ctx, cancel := context.WithTimeout(stopCtx, saveTimeout)
	defer cancel()
	settled, _ := s.pub.progress()
	if settled == s.selected.Load() {
		if s.seq > s.savedSeq {
			data, err := s.model.Snapshot()
			if err != nil {
				s.log.Warn().Err(err).Msg("state snapshot not taken, a restart will replay more")
			} else {
				s.save(ctx, snapshot{StreamSeq: s.seq, Model: data})
			}
		}
	} else if snap, ok := s.checkpoints.take(settled); ok {
		s.save(ctx, snap)
	} else {
		s.log.Warn().Uint64("stream_seq", s.savedSeq).
			Msg("state snapshot kept before the prints not acknowledged, a restart publishes them again")
	}
	if s.hbDone != nil {
		<-s.hbDone
	}
}

// save writes snap to the state bucket; a failure only costs a longer
// replay.
func (s *Scorer) save(ctx context.Context, snap snapshot) {
	if err := s.state.save(ctx, snap); err != nil {
		s.log.Warn().Err(err).Uint64("stream_seq", snap.StreamSeq).Msg("state snapshot not saved, a restart will replay more")
		return
	}
	s.savedSeq = snap.StreamSeq
	s.log.Debug().Uint64("stream_seq", snap.StreamSeq).Msg("state snapshot saved")
}
