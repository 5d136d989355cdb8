// Package scorer runs the CLRI model (pkg/risk) as a service: it reads
// CW_EVENTS in stream order through an ordered consumer, restores its state
// from the last snapshot in a key-value bucket and replays what came after,
// and publishes every print the model's publish rule selects on
// cw.risk.score and cw.risk.component.<name>, with Nats-Msg-Id = the print's
// id, so several replicas leave one copy of each print in CW_SCORES.
package scorer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

// Source names the scorer's prints and heartbeats.
const Source = "scorer"

// ErrNotStarted is returned by Ready before Start.
var ErrNotStarted = errors.New("scorer not started")

// Bus is what the scorer needs of NATS.
type Bus interface {
	JetStream() jetstream.JetStream
	// StreamReplicas is the replica count of the CW_* streams; the state
	// bucket gets as many.
	StreamReplicas() int
}

var _ Bus = (*natsfx.Bus)(nil)

// snapshot is what the state bucket holds: the model's state and the last
// CW_EVENTS sequence it applied.
type snapshot struct {
	StreamSeq uint64 `json:"stream_seq"`
	Model     []byte `json:"model"`
}

// Scorer is the scoring service.
type Scorer struct {
	cfg Config
	cal risk.Calibration
	bus Bus
	log zerolog.Logger
	m   *metrics

	js      jetstream.JetStream
	kv      jetstream.KeyValue
	model   *risk.Model // owned by the run goroutine after Start
	seq     uint64      // last CW_EVENTS sequence applied
	applied atomic.Uint64

	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup
	// out carries prints from the run goroutine to the publisher, which
	// keeps up to maxPrintsInFlight of them awaiting acknowledgement.
	out chan *event.RiskScore

	mu      sync.Mutex
	started bool
	last    *event.RiskScore
	prints  int // prints acknowledged by JetStream
	queued  int // prints handed to the publisher
	pubErr  error
}

// New returns a scorer using the calibration file cfg names (or the
// embedded one); it does no network I/O until Start. It fails on an invalid
// config or calibration.
func New(cfg Config, bus Bus, reg prometheus.Registerer, log zerolog.Logger) (*Scorer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("scorer config: %w", err)
	}
	cal := risk.DefaultCalibration()
	if cfg.CalibrationFile != "" {
		data, err := os.ReadFile(cfg.CalibrationFile)
		if err != nil {
			return nil, fmt.Errorf("read calibration: %w", err)
		}
		if cal, err = risk.ParseCalibration(data); err != nil {
			return nil, err
		}
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("register scorer metrics: %w", err)
	}
	return &Scorer{cfg: cfg, cal: cal, bus: bus, log: log.With().Str("component", "scorer").Logger(), m: m}, nil
}

// stateKey is the snapshot's key: a new model version or calibration
// starts from the beginning of CW_EVENTS instead of mixing states.
func (s *Scorer) stateKey() string { return risk.ModelVersion + "." + s.cal.Hash() }

// Start restores the last snapshot, then consumes CW_EVENTS from the
// sequence after it, and starts the heartbeat.
func (s *Scorer) Start(ctx context.Context) error {
	s.js = s.bus.JetStream()
	if s.js == nil {
		return fmt.Errorf("start scorer: nats bus not started")
	}
	kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: s.cfg.StateBucket, Description: "carrywatch scorer state snapshots", History: 1, Storage: jetstream.FileStorage,
		Replicas: s.bus.StreamReplicas(), // as many copies as the streams it is the state of
	})
	if err != nil {
		return fmt.Errorf("state bucket %s: %w", s.cfg.StateBucket, err)
	}
	s.kv = kv
	s.model, s.seq = s.restore(ctx)
	s.applied.Store(s.seq)
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{event.SubjectEvents}, DeliverPolicy: jetstream.DeliverAllPolicy}
	if s.seq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, s.seq+1
	}
	cons, err := s.js.OrderedConsumer(ctx, natsfx.StreamEvents, cfg)
	if err != nil {
		return fmt.Errorf("consume %s: %w", natsfx.StreamEvents, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("consume %s: %w", natsfx.StreamEvents, err)
	}
	s.stop = make(chan struct{})
	s.out = make(chan *event.RiskScore, maxPrintsInFlight)
	from := s.seq // run owns s.seq from here on
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		defer close(s.out)
		s.run(it)
	}()
	go func() {
		defer s.wg.Done()
		s.publishLoop()
	}()
	if s.cfg.Heartbeat > 0 {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.heartbeat()
		}()
	}
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.log.Info().Str("model_version", risk.ModelVersion).Str("calibration_hash", s.cal.Hash()).
		Uint64("stream_seq", from).Msg("scorer started")
	return nil
}

// restore returns the model and position of the last snapshot, or a new
// model at the start of the stream.
func (s *Scorer) restore(ctx context.Context) (*risk.Model, uint64) {
	entry, err := s.kv.Get(ctx, s.stateKey())
	if err != nil {
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			s.log.Warn().Err(err).Msg("read state snapshot, replaying from the start")
		}
		return risk.NewModel(s.cal), 0
	}
	var snap snapshot
	if err := json.Unmarshal(entry.Value(), &snap); err == nil {
		if m, err := risk.Restore(s.cal, snap.Model); err == nil {
			s.log.Info().Uint64("stream_seq", snap.StreamSeq).Msg("state restored from snapshot")
			return m, snap.StreamSeq
		}
	}
	s.log.Warn().Msg("state snapshot unreadable, replaying from the start")
	return risk.NewModel(s.cal), 0
}

// run applies every message in stream order until Stop.
func (s *Scorer) run(it jetstream.MessagesContext) {
	lastSnap := time.Now()
	go func() {
		<-s.stop
		it.Stop()
	}()
	for {
		msg, err := it.Next()
		if err != nil {
			if !errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				s.log.Error().Err(err).Msg("consumer stopped")
			}
			s.save()
			return
		}
		s.apply(msg)
		if time.Since(lastSnap) >= s.cfg.SnapshotInterval {
			s.save()
			lastSnap = time.Now()
		}
	}
}

func (s *Scorer) apply(msg jetstream.Msg) {
	meta, err := msg.Metadata()
	if err != nil {
		return
	}
	seq := meta.Sequence.Stream
	if seq <= s.seq {
		return
	}
	s.seq = seq
	defer s.applied.Store(seq) // after the print, if any, is queued
	ev, err := event.Parse(msg.Data(), time.Now())
	if err == nil && event.SchemaForSubject(msg.Subject()) != ev.SchemaName() {
		// Each kind on its own subject, as the sink requires: a user that
		// may publish yields must not pass off a heartbeat as one.
		err = fmt.Errorf("%s sent on subject %s: %w", ev.SchemaName(), msg.Subject(), event.ErrBadFormat)
	}
	if err != nil {
		s.m.invalid.Inc()
		s.log.Debug().Err(err).Uint64("stream_seq", seq).Msg("input skipped (the sink dead-letters it)")
		return
	}
	s.m.events.Inc()
	publish := s.model.Update(ev, seq)
	s.m.watermark.Set(float64(seq))
	if !publish {
		return
	}
	if p := s.model.Print(); p != nil {
		s.mu.Lock()
		s.queued++
		s.mu.Unlock()
		s.out <- p // blocks while maxPrintsInFlight prints await their acks
	}
}

// maxPrintsInFlight bounds the prints published and not yet acknowledged:
// enough to keep JetStream busy, few enough to retry quickly.
const maxPrintsInFlight = 256

// ackTimeout is how long a published message may wait for its ack.
const ackTimeout = 5 * time.Second

// outgoing is one print and its components on their way to JetStream.
type outgoing struct {
	print *event.RiskScore
	msgs  []*nats.Msg
}

// inflight is one published message awaiting its acknowledgement; last
// marks the final message of its print.
type inflight struct {
	f    jetstream.PubAckFuture
	last bool
}

// publishLoop publishes the prints from s.out in order without waiting for
// each one's acknowledgement, so the scorer's rate is JetStream's rather
// than one round trip per print. A failed or unacknowledged message is
// retried, with every print after it, in order, until NATS takes them or
// the scorer stops: a print selected by the model is never dropped, and
// the ids de-duplicate what was stored already.
func (s *Scorer) publishLoop() {
	var (
		window  []*outgoing // prints not yet fully acknowledged, in order
		pend    []inflight  // their messages awaiting an ack, in order
		in      = s.out
		timer   = time.NewTimer(ackTimeout)
		attempt uint64
	)
	defer timer.Stop()
	publish := func(o *outgoing) error {
		for i, m := range o.msgs {
			f, err := s.js.PublishMsgAsync(m)
			if err != nil {
				return fmt.Errorf("publish %s: %w", m.Subject, err)
			}
			pend = append(pend, inflight{f: f, last: i == len(o.msgs)-1})
		}
		return nil
	}
	// resend publishes the whole window again after err, with backoff,
	// until it goes through (true) or the scorer stops (false).
	resend := func(err error) bool {
		for {
			attempt++
			s.setPubErr(err)
			s.log.Warn().Err(err).Str("msg_id", window[0].print.ID).Int("prints", len(window)).Msg("publish print failed, retrying")
			select {
			case <-s.stop:
				return false
			case <-time.After(min(time.Duration(attempt)*time.Second, 10*time.Second)):
			}
			pend, err = pend[:0], nil
			for _, o := range window {
				if err = publish(o); err != nil {
					break
				}
			}
			if err == nil {
				timer.Reset(ackTimeout)
				return true
			}
		}
	}
	send := func(p *event.RiskScore) bool {
		o := s.prepare(p)
		if len(o.msgs) == 0 {
			return true
		}
		window = append(window, o)
		if len(pend) == 0 {
			timer.Reset(ackTimeout)
		}
		if err := publish(o); err != nil {
			return resend(err)
		}
		return true
	}
	for {
		if len(pend) == 0 {
			if in == nil {
				return // run has ended and everything is acknowledged
			}
			p, ok := <-in
			if !ok || !send(p) {
				return
			}
			continue
		}
		room := in
		if len(window) >= maxPrintsInFlight {
			room = nil // the window is full: wait for acks
		}
		head := pend[0]
		select {
		case p, ok := <-room:
			if !ok {
				in = nil // run has ended: drain what is in flight
				continue
			}
			if !send(p) {
				return
			}
		case <-head.f.Ok():
			pend = pend[1:]
			timer.Reset(ackTimeout)
			if head.last {
				attempt = 0
				s.setPubErr(nil)
				s.published(window[0].print)
				window = window[1:]
			}
		case err := <-head.f.Err():
			if !resend(fmt.Errorf("publish %s: %w", head.f.Msg().Subject, err)) {
				return
			}
		case <-timer.C:
			if !resend(fmt.Errorf("publish %s: no acknowledgement in %s", head.f.Msg().Subject, ackTimeout)) {
				return
			}
		}
	}
}

// prepare builds the messages of a print: the print, then one per
// component, each with Nats-Msg-Id = its id.
func (s *Scorer) prepare(p *event.RiskScore) *outgoing {
	o := &outgoing{print: p}
	add := func(ev event.Event) {
		data, err := event.Marshal(ev)
		if err != nil {
			s.log.Error().Err(err).Str("msg_id", ev.Header().ID).Msg("print not encodable, not published")
			return
		}
		m := nats.NewMsg(ev.Subject())
		m.Data = data
		m.Header.Set(jetstream.MsgIDHeader, ev.Header().ID)
		o.msgs = append(o.msgs, m)
	}
	add(p)
	for _, c := range p.Components {
		rc := &event.RiskComponent{
			Meta:      event.Meta{Source: Source, ObservedAt: p.ObservedAt, IngestedAt: p.IngestedAt},
			Component: c, ModelVersion: p.ModelVersion, CalibrationHash: p.CalibrationHash, Watermark: p.Watermark,
		}
		event.Seal(rc, p.IngestedAt)
		add(rc)
	}
	return o
}

// published records a print JetStream has acknowledged with its components.
func (s *Scorer) published(p *event.RiskScore) {
	s.m.prints.Inc()
	s.m.index.Set(p.Index)
	s.mu.Lock()
	s.last, s.prints = p, s.prints+1
	s.mu.Unlock()
}

// save writes the state snapshot; a failure only costs a longer replay.
func (s *Scorer) save() {
	data, err := s.model.Snapshot()
	if err == nil {
		data, err = json.Marshal(snapshot{StreamSeq: s.seq, Model: data})
	}
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = s.kv.Put(ctx, s.stateKey(), data)
		cancel()
	}
	if err != nil {
		s.log.Warn().Err(err).Msg("state snapshot not saved, a restart will replay more")
	}
}

// heartbeat publishes a heartbeat every Heartbeat of wall time; replicas
// make the same id for the same instant, so JetStream keeps one.
func (s *Scorer) heartbeat() {
	t := time.NewTicker(s.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			hb := scenario.NewHeartbeat(Source, now.UTC().Truncate(s.cfg.Heartbeat))
			data, err := event.Marshal(hb)
			if err == nil {
				ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Heartbeat)
				_, err = s.js.Publish(ctx, hb.Subject(), data, jetstream.WithMsgID(hb.ID))
				cancel()
			}
			if err != nil {
				s.log.Debug().Err(err).Msg("heartbeat not published")
			}
		}
	}
}

// Stop stops consuming, saves a snapshot and waits, or returns ctx's error.
func (s *Scorer) Stop(ctx context.Context) error {
	if s.stop == nil {
		return nil
	}
	s.once.Do(func() { close(s.stop) })
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.log.Info().Msg("scorer stopped")
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop scorer: %w", ctx.Err())
	}
}

// Ready returns nil once started while prints are being published.
func (s *Scorer) Ready(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return ErrNotStarted
	}
	if s.pubErr != nil {
		return fmt.Errorf("publish prints: %w", s.pubErr)
	}
	return nil
}

func (s *Scorer) setPubErr(err error) {
	s.mu.Lock()
	s.pubErr = err
	s.mu.Unlock()
}

// Last returns the last print published and how many were published.
func (s *Scorer) Last() (*event.RiskScore, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.prints
}

// Watermark returns the last CW_EVENTS sequence fully handled: applied to
// the model and, if it led to a print, that print acknowledged by
// JetStream. While prints are in flight it is the input sequence of the
// last one acknowledged.
func (s *Scorer) Watermark() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.prints < s.queued {
		if s.last == nil {
			return 0
		}
		return s.last.Watermark.StreamSeq
	}
	return s.applied.Load()
}
