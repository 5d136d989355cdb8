package scorer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// maxPrintsInFlight bounds the prints published and not yet acknowledged:
// enough to keep JetStream busy, few enough to retry quickly. As many more
// wait in the publisher's queue.
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

// publisher publishes prints on cw.risk.score and their components on
// cw.risk.component.<name>, in order, each with Nats-Msg-Id = its id,
// without waiting for each one's acknowledgement: up to maxPrintsInFlight
// prints (its window) are published and not yet acknowledged, so the
// scorer's rate is JetStream's rather than one round trip per print. A
// failed or unacknowledged message is published again, with every print
// after it, in order, until JetStream takes them or the scorer stops: a
// print is never skipped, and the ids de-duplicate what was stored
// already. Prints settle in the order they were sent: acknowledged, or
// dropped because they cannot be encoded (logged).
//
// The owner calls start, send from one goroutine, then finish, which
// returns once the publishing goroutine has ended.
type publisher struct {
	log zerolog.Logger
	m   *metrics

	js      jetstream.JetStream
	in      chan *event.RiskScore
	stop    <-chan struct{} // closed when the scorer stops: a failure is final
	abandon context.Context // cancelled by finish when its time is up
	giveUp  context.CancelFunc
	done    chan struct{} // closed when the publishing goroutine has ended

	mu         sync.Mutex
	err        error            // the last failure, until a print is acknowledged again
	settled    uint64           // prints settled, in order
	settledSeq uint64           // the input sequence of the last print settled
	acked      int              // prints acknowledged
	last       *event.RiskScore // the last print acknowledged
}

// newPublisher returns a publisher that does nothing until start.
func newPublisher(m *metrics, log zerolog.Logger) *publisher {
	abandon, giveUp := context.WithCancel(context.Background())
	return &publisher{
		log:     log,
		m:       m,
		in:      make(chan *event.RiskScore, maxPrintsInFlight),
		abandon: abandon,
		giveUp:  giveUp,
		done:    make(chan struct{}),
	}
}

// start launches the publishing goroutine on js; once stop is closed a
// failed publish is not retried.
func (p *publisher) start(js jetstream.JetStream, stop <-chan struct{}) {
	p.js, p.stop = js, stop
	go func() {
		defer close(p.done)
		p.run()
	}()
}

// send queues pr behind the prints sent before it, waiting while the queue
// is full. It returns false, pr not queued, if cancel is closed first.
func (p *publisher) send(pr *event.RiskScore, cancel <-chan struct{}) bool {
	select {
	case p.in <- pr:
		return true
	case <-cancel:
		return false
	}
}

// finish tells the publisher that no more prints come: it publishes what
// is queued and waits for the acknowledgements for at most budget, then
// gives up on the rest. It returns once the publishing goroutine has
// ended. Call it once, after the last send.
func (p *publisher) finish(budget time.Duration) {
	defer p.giveUp()
	close(p.in)
	t := time.NewTimer(budget)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		p.giveUp()
		<-p.done
	}
}

// progress returns how many prints have settled and the input sequence of
// the last one.
func (p *publisher) progress() (settled, seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.settled, p.settledSeq
}

// failure returns the last publish failure, or nil once a print has been
// acknowledged since.
func (p *publisher) failure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// lastAcked returns the last print acknowledged and how many were.
func (p *publisher) lastAcked() (*event.RiskScore, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.acked
}

func (p *publisher) setErr(err error) {
	p.mu.Lock()
	p.err = err
	p.mu.Unlock()
}

// settle records that pr, the oldest print not yet settled, is done with:
// acknowledged by JetStream or dropped.
func (p *publisher) settle(pr *event.RiskScore, acked bool) {
	p.mu.Lock()
	p.settled++
	p.settledSeq = pr.Watermark.StreamSeq
	if acked {
		p.acked++
		p.last = pr
		p.err = nil
	}
	p.mu.Unlock()
	if acked {
		p.m.prints.Inc()
		p.m.index.Set(pr.Index)
	}
}

// run publishes until the queue is closed and everything is acknowledged,
// or until a failure after stop, or abandon.
func (p *publisher) run() {
	var (
		window []*outgoing // prints not yet settled, in order
		pend   []inflight  // their messages awaiting an ack, in order
		in     = p.in
		timer  = time.NewTimer(ackTimeout)
		retry  = retryBackoff.Start(p.abandon, p.stop)
	)
	defer timer.Stop()
	defer func() {
		if n := len(window) + len(p.in); n > 0 {
			p.log.Warn().Int("prints", n).Msg("prints not acknowledged before stop, a restart publishes them again")
		}
	}()
	publish := func(o *outgoing) error {
		for i, m := range o.msgs {
			f, err := p.js.PublishMsgAsync(m)
			if err != nil {
				return fmt.Errorf("publish %s: %w", m.Subject, err)
			}
			pend = append(pend, inflight{f: f, last: i == len(o.msgs)-1})
		}
		return nil
	}
	// drop settles the unencodable prints at the head of the window.
	drop := func() {
		for len(window) > 0 && len(window[0].msgs) == 0 {
			p.settle(window[0].print, false)
			window = window[1:]
		}
	}
	// resend publishes the whole window again after err, with backoff,
	// until it goes through (true) or the publisher stops (false). Once the
	// scorer is stopping a failure is final: the next scorer derives the
	// prints again.
	resend := func(err error) bool {
		for {
			p.setErr(err)
			select {
			case <-p.stop:
				p.log.Warn().Err(err).Str("msg_id", window[0].print.ID).Msg("publish print failed while stopping")
				return false
			default:
			}
			p.log.Warn().Err(err).Str("msg_id", window[0].print.ID).Int("prints", len(window)).
				Dur("retry_in", retry.Next()).Msg("publish print failed, retrying")
			if !retry.Wait() {
				return false
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
	send := func(pr *event.RiskScore) bool {
		o := p.prepare(pr)
		window = append(window, o)
		if len(o.msgs) == 0 {
			drop()
			return true
		}
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
				return // the queue is closed and everything is acknowledged
			}
			select {
			case pr, ok := <-in:
				if !ok || !send(pr) {
					return
				}
			case <-p.abandon.Done():
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
		case pr, ok := <-room:
			if !ok {
				in = nil // no more prints: drain what is in flight
				continue
			}
			if !send(pr) {
				return
			}
		case <-head.f.Ok():
			pend = pend[1:]
			timer.Reset(ackTimeout)
			if head.last {
				retry.Reset()
				p.settle(window[0].print, true)
				window = window[1:]
				drop()
			}
		case err := <-head.f.Err():
			if !resend(fmt.Errorf("publish %s: %w", head.f.Msg().Subject, err)) {
				return
			}
		case <-timer.C:
			if !resend(fmt.Errorf("publish %s: no acknowledgement in %s", head.f.Msg().Subject, ackTimeout)) {
				return
			}
		case <-p.abandon.Done():
			return
		}
	}
}

// prepare builds the messages of a print: the print, then one per
// component, each with Nats-Msg-Id = its id. A message that cannot be
// encoded is logged and left out.
func (p *publisher) prepare(pr *event.RiskScore) *outgoing {
	o := &outgoing{print: pr}
	add := func(ev event.Event) {
		data, err := event.Marshal(ev)
		if err != nil {
			p.log.Error().Err(err).Str("msg_id", ev.Header().ID).Msg("print not encodable, not published")
			return
		}
		m := nats.NewMsg(ev.Subject())
		m.Data = data
		m.Header.Set(jetstream.MsgIDHeader, ev.Header().ID)
		o.msgs = append(o.msgs, m)
	}
	add(pr)
	for _, c := range pr.Components {
		rc := &event.RiskComponent{
			Meta:      event.Meta{Source: Source, ObservedAt: pr.ObservedAt, IngestedAt: pr.IngestedAt},
			Component: c, ModelVersion: pr.ModelVersion, CalibrationHash: pr.CalibrationHash, Watermark: pr.Watermark,
		}
		event.Seal(rc, pr.IngestedAt)
		add(rc)
	}
	return o
}
