package feed

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/backoff"
	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Stage names ingest dead letters (cw.dlq.ingest).
const Stage = "ingest"

// maxDeadLetterPayload keeps a dead-lettered body under NATS's default
// 1 MiB message limit; the reason says when it was cut.
const maxDeadLetterPayload = 512 << 10

// Publisher is what a poller needs of JetStream.
type Publisher interface {
	Publish(ctx context.Context, subject string, data []byte, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error)
	natsfx.AsyncPublisher
}

// maxInFlight bounds the observations published and not yet acknowledged.
const maxInFlight = 1000

var _ Publisher = (jetstream.JetStream)(nil)

// Poller polls one source: fetch, parse, seal, validate, drop what was
// already published unchanged, publish the rest with Nats-Msg-Id = event id.
type Poller struct {
	src    Source
	parse  Parser
	client *http.Client
	pub    Publisher
	log    zerolog.Logger
	m      *metrics

	now  func() time.Time
	wait func(ctx context.Context, d time.Duration) error
	rand func() float64

	val  validators
	seen *seenSet

	mu          sync.Mutex
	polled      bool
	lastErr     error
	lastSuccess time.Time
	failures    int
}

func newPoller(src Source, parse Parser, pub Publisher, m *metrics, log zerolog.Logger) *Poller {
	return &Poller{
		src:    src,
		parse:  parse,
		client: &http.Client{},
		pub:    pub,
		log:    log.With().Str("component", "feed").Str("source", src.Name).Logger(),
		m:      m,
		now:    time.Now,
		wait:   backoff.Sleep, // delays are positive (Validate: interval ≥ 1s, retry_base > 0, jitter ≤ 0.5)
		rand:   rand.Float64,
		seen:   newSeenSet(1 << 18),
	}
}

// NewPoller returns a Poller of src, which it completes with WithDefaults,
// that parses with parse and publishes with pub, its metrics registered on
// reg. now is its clock (time.Now when nil): tests step it to poll as a
// running source would, one Poll at a time. It does no I/O and returns an
// error if src is invalid or the metrics cannot be registered. A Runner
// builds its pollers the same way.
func NewPoller(src Source, parse Parser, pub Publisher, reg prometheus.Registerer, log zerolog.Logger, now func() time.Time) (*Poller, error) {
	src = src.WithDefaults()
	if err := src.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("register feed metrics: %w", err)
	}
	p := newPoller(src, parse, pub, m, log)
	if now != nil {
		p.now = now
	}
	return p, nil
}

// Run polls until ctx ends: at once, then every Interval (± Jitter). After
// a transient failure (network, timeout, 5xx, NATS) it retries after
// RetryBase, doubling per consecutive failure up to Interval.
func (p *Poller) Run(ctx context.Context) {
	failures := 0
	for {
		err := p.Poll(ctx)
		if ctx.Err() != nil {
			return
		}
		delay := p.src.Interval
		if err != nil {
			failures++
			delay = backoff.Policy{First: p.src.RetryBase, Max: p.src.Interval}.Delay(failures)
			p.log.Warn().Err(err).Int("failures", failures).Dur("retry_in", delay).Msg("poll failed, will retry")
		} else {
			failures = 0
		}
		if err := p.wait(ctx, p.jitter(delay)); err != nil {
			return
		}
	}
}

func (p *Poller) jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (1 + p.src.JitterFraction()*(2*p.rand()-1)))
}

// Poll runs one poll. It returns an error only for transient failures worth
// a retry; a body that does not parse is dead-lettered and Poll returns nil.
func (p *Poller) Poll(ctx context.Context) error {
	now := p.now()
	err := p.poll(ctx, now)
	p.mu.Lock()
	p.polled, p.lastErr = true, err
	if err == nil {
		p.lastSuccess, p.failures = now, 0
	} else {
		p.failures++
	}
	p.mu.Unlock()
	if err == nil {
		p.m.lastSuccess.WithLabelValues(p.src.Name).Set(float64(now.Unix()))
	}
	return err
}

func (p *Poller) poll(ctx context.Context, now time.Time) error {
	src := p.src
	src.URL = src.URLAt(now)
	f, err := fetch(ctx, p.client, src, p.val)
	switch {
	case errors.Is(err, ErrNotModified):
		p.m.polls.WithLabelValues(p.src.Name, resultNotModified).Inc()
		return nil
	case errors.Is(err, ErrBodyTooLarge):
		p.m.polls.WithLabelValues(p.src.Name, resultBadBody).Inc()
		return p.deadLetter(ctx, f.body, err, now)
	case err != nil:
		p.m.polls.WithLabelValues(p.src.Name, resultError).Inc()
		return err
	}
	obs, err := p.parse(f.body, now)
	if err != nil {
		p.m.polls.WithLabelValues(p.src.Name, resultBadBody).Inc()
		p.val = validators{} // fetch the next body in full, whatever the server says
		return p.deadLetter(ctx, f.body, err, now)
	}
	for _, w := range obs.Warnings {
		p.m.warnings.WithLabelValues(p.src.Name).Inc()
		p.log.Warn().Str("warning", w).Msg("source body has a problem, parsed anyway")
	}
	if err := p.publish(ctx, obs.Events, now); err != nil {
		p.m.polls.WithLabelValues(p.src.Name, resultError).Inc()
		return err
	}
	p.val = f.val
	p.m.polls.WithLabelValues(p.src.Name, resultOK).Inc()
	return nil
}

// publish seals and validates every event, dead-letters the invalid ones,
// skips those published before with the same content and publishes the
// rest, waiting for JetStream to acknowledge them.
func (p *Poller) publish(ctx context.Context, events []event.Event, now time.Time) error {
	type sent struct{ id, hash string }
	published := 0
	window := natsfx.NewPublishWindow(p.pub, maxInFlight, func(_ *jetstream.PubAck, s sent) {
		p.seen.add(s.id, s.hash)
		published++
	})
	for _, ev := range events {
		event.Seal(ev, now)
		if err := ev.Validate(now); err != nil {
			data, _ := event.Marshal(ev)
			if err := p.deadLetter(ctx, data, fmt.Errorf("invalid observation: %w", err), now); err != nil {
				return err
			}
			continue
		}
		m := ev.Header()
		hash, data, err := fingerprint(ev)
		if err != nil {
			return err
		}
		if p.seen.has(m.ID, hash) {
			p.m.unchanged.WithLabelValues(p.src.Name).Inc()
			continue
		}
		msg := &nats.Msg{Subject: ev.Subject(), Data: data}
		if _, err := window.Publish(ctx, msg, sent{id: m.ID, hash: hash}, jetstream.WithMsgID(m.ID)); err != nil {
			return err
		}
	}
	if err := window.Flush(ctx); err != nil {
		return err
	}
	p.m.events.WithLabelValues(p.src.Name).Add(float64(published))
	if published > 0 {
		p.log.Info().Int("events", published).Msg("published new observations")
	}
	return nil
}

// fingerprint hashes an event's content without ingested_at, so an
// observation fetched again unchanged is recognised; it also returns the
// event's wire bytes.
func fingerprint(ev event.Event) (hash string, data []byte, err error) {
	m := ev.Header()
	ingested := m.IngestedAt
	m.IngestedAt = time.Time{}
	content, err := event.Marshal(ev)
	m.IngestedAt = ingested
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(content)
	data, err = event.Marshal(ev)
	return string(sum[:]), data, err
}

// deadLetter records body on cw.dlq.ingest with the reason. It returns an
// error only if the dead letter itself could not be published.
func (p *Poller) deadLetter(ctx context.Context, body []byte, cause error, now time.Time) error {
	reason := fmt.Errorf("source %s (%s): %w", p.src.Name, p.src.URL, cause)
	if len(body) > maxDeadLetterPayload {
		reason = fmt.Errorf("%w (payload cut to its first %d of %d bytes)", reason, maxDeadLetterPayload, len(body))
		body = body[:maxDeadLetterPayload]
	}
	dl := event.NewDeadLetter(Stage, "", body, 0, reason, now, now)
	dl.Source = p.src.Name
	switch {
	case errors.Is(cause, ErrBadBody):
		dl.Code = "bad_body"
	case errors.Is(cause, ErrBodyTooLarge):
		dl.Code = "too_large"
	}
	event.Seal(dl, now)
	data, err := event.Marshal(dl)
	if err != nil {
		return err
	}
	if _, err := p.pub.Publish(ctx, dl.Subject(), data, jetstream.WithMsgID(dl.ID)); err != nil {
		return fmt.Errorf("publish dead letter: %w", err)
	}
	p.m.deadLetters.WithLabelValues(p.src.Name).Inc()
	p.log.Warn().Err(cause).Str("dead_letter_id", dl.ID).Int("bytes", len(body)).Msg("body rejected to dead letters")
	return nil
}

// State is where one source stands: what the feed loop knows of its last
// polls, for the operator's page and the logs.
type State struct {
	Source string `json:"source"`
	Format string `json:"format"`
	// Polled is false until the first poll has ended.
	Polled bool `json:"polled"`
	// LastSuccess is the end of the last poll that fetched and published
	// (or found the body unchanged); zero if none has.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// Failures counts the polls that failed since the last success; Error
	// is the last one's error.
	Failures int    `json:"failures"`
	Error    string `json:"error,omitempty"`
}

// state returns the poller's State.
func (p *Poller) state() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := State{Source: p.src.Name, Format: p.src.Format, Polled: p.polled, LastSuccess: p.lastSuccess, Failures: p.failures}
	if p.lastErr != nil {
		st.Error = p.lastErr.Error()
	}
	return st
}

// health returns nil if the last poll succeeded, or the last success is
// within three intervals.
func (p *Poller) health(now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.polled:
		return fmt.Errorf("source %s: not polled yet", p.src.Name)
	case p.lastErr == nil:
		return nil
	case !p.lastSuccess.IsZero() && now.Sub(p.lastSuccess) < 3*p.src.Interval:
		return nil
	}
	return fmt.Errorf("source %s: %w", p.src.Name, p.lastErr)
}

// seenSet remembers the content hash of the last limit published event
// ids, forgetting the oldest first: bounded memory however long a source
// runs.
type seenSet struct {
	limit int
	hash  map[string]string
	order []string // ring of ids, oldest at next once full
	next  int
}

func newSeenSet(limit int) *seenSet {
	return &seenSet{limit: limit, hash: make(map[string]string)}
}

func (s *seenSet) has(id, hash string) bool {
	h, ok := s.hash[id]
	return ok && h == hash
}

func (s *seenSet) add(id, hash string) {
	if _, ok := s.hash[id]; !ok {
		if len(s.order) < s.limit {
			s.order = append(s.order, id)
		} else {
			delete(s.hash, s.order[s.next])
			s.order[s.next] = id
			s.next = (s.next + 1) % s.limit
		}
	}
	s.hash[id] = hash
}
