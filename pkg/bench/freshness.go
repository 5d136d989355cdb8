package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
)

// FreshnessResult is score freshness at one offered rate, and the NATS
// round trip measured in the same run as its baseline. Latencies are in
// microseconds.
type FreshnessResult struct {
	// Rate is the offered rate, events per second.
	Rate int `json:"rate_eps"`
	// Offered is how many events were published in the timed window.
	Offered int `json:"offered"`
	// Samples is how many of them were followed by their print; the
	// percentiles are over these.
	Samples int     `json:"samples"`
	P50     float64 `json:"p50_us"`
	P99     float64 `json:"p99_us"`
	P999    float64 `json:"p999_us"`
	// The baseline is core NATS publish → subscribe on a plain subject
	// (no stream) to a subscriber on another connection of the same server,
	// of messages the size of the events, at the same rate, Offered of them,
	// measured just before the timed window with the scorer idle.
	BaselineP50  float64 `json:"baseline_p50_us"`
	BaselineP99  float64 `json:"baseline_p99_us"`
	BaselineP999 float64 `json:"baseline_p999_us"`
	// LatencyRatio is P99 / BaselineP99.
	LatencyRatio float64 `json:"latency_ratio"`
}

const (
	// freshnessVenue has the weight for a halt there to cross VENUE_DOWN.
	freshnessVenue = "cme"
	// freshnessWarmup events run through the pipeline before timing.
	freshnessWarmup = 200
	// freshnessCatchUp bounds the wait for the scorer to replay CW_EVENTS
	// and print the warm-up.
	freshnessCatchUp = time.Minute
	// freshnessDrain bounds the wait for the last print, and for the last
	// baseline message, after the timed window.
	freshnessDrain = 30 * time.Second
)

// Freshness measures, on the server at env.NATSURL, the time from just
// before the JetStream publish of an input event to the moment a core
// subscriber on cw.risk.score receives the print whose watermark is that
// event's stream sequence, for rate events a second offered for dur; and,
// just before, the core NATS publish→subscribe round trip of as many
// messages of the same size at the same rate, as the baseline.
//
// It runs its own scorer (no heartbeat, a state bucket of its own, deleted
// afterwards), which first replays whatever CW_EVENTS holds, so env should
// be a server for benchmarks. Every event toggles one CME incident between
// a halt and resolved, which moves VENUE_DOWN and so makes the model
// publish a print for each of them; a server whose CW_EVENTS leaves another
// CME incident open defeats that, and Freshness then fails waiting for the
// warm-up print.
//
// It returns an error for a rate or dur that is not positive, when it
// cannot connect, publish or start the scorer, when the warm-up print does
// not arrive within a minute, when no event of the timed window got its
// print within 30 s of its end, or when ctx ends.
func Freshness(ctx context.Context, env Env, rate int, dur time.Duration) (FreshnessResult, error) {
	n := int(int64(rate) * int64(dur) / int64(time.Second))
	if rate <= 0 || dur <= 0 || n == 0 {
		return FreshnessResult{}, fmt.Errorf("freshness: rate %d for %s offers no event", rate, dur)
	}
	log := env.Log.With().Str("component", "bench").Str("bench", "freshness").Logger()
	res := FreshnessResult{Rate: rate, Offered: n}

	r, err := openFreshness(ctx, env)
	if err != nil {
		return res, err
	}
	defer r.close()
	if err := r.startScorer(ctx); err != nil {
		return res, err
	}
	defer r.stopScorer()

	// Observation times are 1 ms apart, so every event has its own id, and
	// end before now, so every one is valid.
	gen := freshnessEvents{
		incident: "bench-" + strconv.FormatInt(r.t0.UnixNano(), 36),
		base:     event.Millis(r.t0.Add(-time.Duration(freshnessWarmup+n)*time.Millisecond - time.Second)),
	}
	size, err := r.warmUp(ctx, gen)
	if err != nil {
		return res, err
	}
	log.Debug().Int("rate", rate).Dur("duration", dur).Msg("freshness warmed up")

	// The baseline, with the scorer started and idle; its messages are the
	// size of the events (one has the warm-up's size, ± a digit).
	runtime.GC()
	base, err := freshnessBaseline(ctx, r.pub, r.sub, rate, n, size)
	if err != nil {
		return res, err
	}
	res.BaselineP50, res.BaselineP99, res.BaselineP999 = freshnessQuantiles(base)
	log.Debug().Float64("baseline_p99_us", res.BaselineP99).Int("bytes", size).Msg("freshness baseline measured")

	runtime.GC()
	sent, seqs, err := r.offer(ctx, gen, rate, n)
	if err != nil {
		return res, err
	}
	lat, err := r.latencies(ctx, sent, seqs)
	if err != nil {
		return res, err
	}
	res.Samples = len(lat)
	res.P50, res.P99, res.P999 = freshnessQuantiles(lat)
	log.Debug().Int("samples", res.Samples).Float64("p99_us", res.P99).Msg("freshness measured")

	res.LatencyRatio = res.P99 / res.BaselineP99
	return res, nil
}

// freshnessRun is what one Freshness run works with: the scorer's bus, the
// publisher's and the subscriber's connections, the prints the subscriber
// received, timed from t0, and, once started, the scorer.
type freshnessRun struct {
	t0       time.Time
	bus      *natsfx.Bus
	pub, sub *nats.Conn
	js       jetstream.JetStream
	prints   *freshnessPrints
	scorer   *scorer.Scorer
	bucket   string
}

// openFreshness connects the scorer's bus, the publisher and the
// subscriber, each on a connection of its own as in production, and
// subscribes to cw.risk.score. close releases them; on error nothing is
// left open.
func openFreshness(ctx context.Context, env Env) (_ *freshnessRun, err error) {
	r := &freshnessRun{prints: &freshnessPrints{}}
	ncfg := natsfx.DefaultConfig()
	ncfg.URL = env.NATSURL
	ncfg.Name = "carrywatch-bench-scorer"
	r.bus = natsfx.New(ncfg, zerolog.New(io.Discard))
	if err := r.bus.Start(ctx); err != nil {
		return nil, fmt.Errorf("freshness: %w", err)
	}
	defer func() {
		if err != nil {
			r.close()
		}
	}()

	if r.pub, err = nats.Connect(env.NATSURL, nats.Name("carrywatch-bench-publisher")); err != nil {
		return nil, fmt.Errorf("freshness: connect nats: %w", err)
	}
	if r.sub, err = nats.Connect(env.NATSURL, nats.Name("carrywatch-bench-subscriber")); err != nil {
		return nil, fmt.Errorf("freshness: connect nats: %w", err)
	}
	if r.js, err = jetstream.New(r.pub, jetstream.WithPublishAsyncMaxPending(1<<16)); err != nil {
		return nil, fmt.Errorf("freshness: jetstream context: %w", err)
	}

	r.t0 = time.Now()
	s, err := r.sub.Subscribe(event.SubjectRiskScore, func(m *nats.Msg) {
		at := time.Since(r.t0)
		if seq, ok := freshnessWatermark(m.Data); ok {
			r.prints.add(seq, at)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("freshness: subscribe %s: %w", event.SubjectRiskScore, err)
	}
	_ = s.SetPendingLimits(-1, -1)
	if err := r.sub.Flush(); err != nil {
		return nil, fmt.Errorf("freshness: subscribe %s: %w", event.SubjectRiskScore, err)
	}
	return r, nil
}

// close closes the subscriber's and the publisher's connections and stops
// the bus.
func (r *freshnessRun) close() {
	if r.sub != nil {
		r.sub.Close()
	}
	if r.pub != nil {
		r.pub.Close()
	}
	_ = r.bus.Stop(context.Background())
}

// startScorer starts a scorer without heartbeat and with a state bucket
// of its own; stopScorer stops it and deletes the bucket.
func (r *freshnessRun) startScorer(ctx context.Context) error {
	r.bucket = "CW_BENCH_FRESHNESS_" + strconv.FormatInt(r.t0.UnixNano(), 10)
	scfg := scorer.DefaultConfig()
	scfg.Heartbeat, scfg.StateBucket = 0, r.bucket
	sc, err := scorer.New(scfg, r.bus, prometheus.NewRegistry(), zerolog.New(io.Discard))
	if err != nil {
		return fmt.Errorf("freshness: %w", err)
	}
	if err := sc.Start(ctx); err != nil {
		return fmt.Errorf("freshness: %w", err)
	}
	r.scorer = sc
	return nil
}

// stopScorer stops the scorer and deletes its state bucket, within 10 s.
func (r *freshnessRun) stopScorer() {
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = r.scorer.Stop(stopCtx)
	_ = r.bus.JetStream().DeleteKeyValue(stopCtx, r.bucket)
}

// warmUp runs the first freshnessWarmup events through the pipeline —
// connections, buffers and the scorer's replay of CW_EVENTS — and waits
// up to freshnessCatchUp for the last one's print. It returns the size of
// the last event's message.
func (r *freshnessRun) warmUp(ctx context.Context, gen freshnessEvents) (size int, err error) {
	seqs := make([]uint64, freshnessWarmup)
	warm := freshnessWindow(r.js, seqs)
	for i := range freshnessWarmup {
		data, err := gen.marshal(i)
		if err != nil {
			return 0, err
		}
		size = len(data)
		if _, err := warm.Publish(ctx, &nats.Msg{Subject: gen.subject(), Data: data}, i); err != nil {
			return 0, fmt.Errorf("freshness: warm-up: %w", err)
		}
	}
	if err := freshnessAcks(ctx, warm); err != nil {
		return 0, err
	}
	last := seqs[len(seqs)-1]
	if !r.prints.waitFor(ctx, last, freshnessCatchUp) {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("freshness: warm-up: %w", ctx.Err())
		}
		return 0, fmt.Errorf("freshness: no print for the warm-up within %s (scorer at stream_seq %d, want %d)",
			freshnessCatchUp, r.scorer.Watermark(), last)
	}
	return size, nil
}

// offer publishes the timed window's n events at rate a second and
// returns when each was sent, since t0, and its stream sequence.
func (r *freshnessRun) offer(ctx context.Context, gen freshnessEvents, rate, n int) (sent []time.Duration, seqs []uint64, err error) {
	sent, seqs = make([]time.Duration, n), make([]uint64, n)
	timed := freshnessWindow(r.js, seqs)
	err = freshnessPace(ctx, rate, n, func(i int) error {
		data, err := gen.marshal(freshnessWarmup + i)
		if err != nil {
			return err
		}
		sent[i] = time.Since(r.t0)
		if _, err := timed.Publish(ctx, &nats.Msg{Subject: gen.subject(), Data: data}, i); err != nil {
			return fmt.Errorf("freshness: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := freshnessAcks(ctx, timed); err != nil {
		return nil, nil, err
	}
	return sent, seqs, nil
}

// latencies waits up to freshnessDrain for the print of the last event
// offered and returns, for each event whose print came, the time from its
// publish to its print.
func (r *freshnessRun) latencies(ctx context.Context, sent []time.Duration, seqs []uint64) ([]time.Duration, error) {
	n := len(seqs)
	if !r.prints.waitFor(ctx, seqs[n-1], freshnessDrain) && ctx.Err() != nil {
		return nil, fmt.Errorf("freshness: %w", ctx.Err())
	}
	got := r.prints.byStreamSeq()
	lat := make([]time.Duration, 0, n)
	for i, seq := range seqs {
		if at, ok := got[seq]; ok {
			lat = append(lat, at-sent[i])
		}
	}
	if len(lat) == 0 {
		return nil, fmt.Errorf("freshness: no print for any of %d events within %s", n, freshnessDrain)
	}
	return lat, nil
}

// freshnessBaseline returns the core NATS round trips of n messages of
// size bytes, published on pub at rate a second to a subscriber on sub.
func freshnessBaseline(ctx context.Context, pub, sub *nats.Conn, rate, n, size int) ([]time.Duration, error) {
	t0 := time.Now()
	subject := "cw.bench.rtt." + strconv.FormatInt(t0.UnixNano(), 36)
	size = max(size, 8)
	var mu sync.Mutex
	recv := make([]time.Duration, n)
	var count atomic.Int64
	s, err := sub.Subscribe(subject, func(m *nats.Msg) {
		at := time.Since(t0)
		if len(m.Data) < 8 {
			return
		}
		if i := binary.BigEndian.Uint64(m.Data); i < uint64(n) {
			mu.Lock()
			recv[i] = at
			mu.Unlock()
			count.Add(1)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("freshness baseline: subscribe: %w", err)
	}
	defer func() { _ = s.Unsubscribe() }()
	_ = s.SetPendingLimits(-1, -1)
	if err := sub.Flush(); err != nil {
		return nil, fmt.Errorf("freshness baseline: subscribe: %w", err)
	}
	sent := make([]time.Duration, n)
	err = freshnessPace(ctx, rate, n, func(i int) error {
		data := make([]byte, size) // nats.go copies it into its buffer; a fresh one, as each event is
		binary.BigEndian.PutUint64(data, uint64(i))
		sent[i] = time.Since(t0)
		if err := pub.Publish(subject, data); err != nil {
			return fmt.Errorf("freshness baseline: publish: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(freshnessDrain)
	for count.Load() < int64(n) && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(time.Millisecond) // a late message only costs a sample
	}
	mu.Lock()
	defer mu.Unlock()
	out := make([]time.Duration, 0, n)
	for i := range n {
		if recv[i] > 0 {
			out = append(out, recv[i]-sent[i])
		}
	}
	if len(out) == 0 {
		return nil, errors.New("freshness baseline: no message came back")
	}
	return out, nil
}

// freshnessPace calls send(0) … send(n-1) at rate calls a second: every
// millisecond it sends what is due since the start, so a late tick sends
// a larger batch and the offered rate holds.
func freshnessPace(ctx context.Context, rate, n int, send func(i int) error) error {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for i := 0; i < n; {
		select {
		case <-ctx.Done():
			return fmt.Errorf("freshness: %w", ctx.Err())
		case <-tick.C:
		}
		due := min(n, int(time.Since(start).Seconds()*float64(rate))+1)
		for ; i < due; i++ {
			if err := send(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// freshnessWindow publishes events without waiting for their
// acknowledgements (the client's limit of pending publishes bounds them),
// each with its index into seqs, where its ack's stream sequence goes.
func freshnessWindow(js jetstream.JetStream, seqs []uint64) *natsfx.PublishWindow[int] {
	return natsfx.NewPublishWindow(js, 0, func(ack *jetstream.PubAck, i int) { seqs[i] = ack.Sequence })
}

// freshnessAcks waits at most freshnessDrain for the acknowledgement of
// everything w published.
func freshnessAcks(ctx context.Context, w *natsfx.PublishWindow[int]) error {
	actx, cancel := context.WithTimeout(ctx, freshnessDrain)
	defer cancel()
	err := w.Flush(actx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("freshness: %w", ctx.Err())
	case actx.Err() != nil:
		return fmt.Errorf("freshness: publish acknowledgements: none within %s", freshnessDrain)
	}
	return fmt.Errorf("freshness: %w", err)
}

// freshnessEvents makes the benchmark's input: event i opens (even i) or
// resolves (odd i) the same CME halt, observed at base + i ms.
type freshnessEvents struct {
	incident string
	base     time.Time
}

func (g freshnessEvents) subject() string { return event.SubjectVenueStatus(freshnessVenue) }

func (g freshnessEvents) event(i int) *event.VenueStatus {
	at := g.base.Add(time.Duration(i) * time.Millisecond)
	e := &event.VenueStatus{
		Meta:  event.Meta{Source: "bench", ObservedAt: at},
		Venue: freshnessVenue, IncidentID: g.incident, Action: event.ActionOpen, Severity: event.SeverityHalt,
		Status: "investigating", Title: "globex halted (carrywatch bench)", StartedAt: g.base.Add(-time.Minute),
	}
	if i%2 == 1 {
		e.Action, e.Status, e.ResolvedAt = event.ActionResolve, "resolved", &at
	}
	event.Seal(e, at)
	return e
}

func (g freshnessEvents) marshal(i int) ([]byte, error) {
	data, err := event.Marshal(g.event(i))
	if err != nil {
		return nil, fmt.Errorf("freshness: %w", err)
	}
	return data, nil
}

// freshnessPrints is what the cw.risk.score subscriber received: arrival
// times by watermark stream sequence, and the highest sequence seen.
type freshnessPrints struct {
	mu   sync.Mutex
	seqs []uint64
	ats  []time.Duration
	high atomic.Uint64
}

func (p *freshnessPrints) add(seq uint64, at time.Duration) {
	p.mu.Lock()
	p.seqs, p.ats = append(p.seqs, seq), append(p.ats, at)
	p.mu.Unlock()
	if seq > p.high.Load() {
		p.high.Store(seq) // one subscription callback at a time: no race
	}
}

// waitFor reports whether a print at or after seq arrives within timeout;
// prints come in stream order, from the scorer's single publisher.
func (p *freshnessPrints) waitFor(ctx context.Context, seq uint64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for p.high.Load() < seq {
		if ctx.Err() != nil || time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// byStreamSeq returns the first arrival of each print.
func (p *freshnessPrints) byStreamSeq() map[uint64]time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[uint64]time.Duration, len(p.seqs))
	for i, seq := range p.seqs {
		if _, ok := out[seq]; !ok {
			out[seq] = p.ats[i]
		}
	}
	return out
}

var freshnessSeqKey = []byte(`"stream_seq":`)

// freshnessWatermark returns a print's watermark stream sequence. It scans
// for the print's only stream_seq key instead of decoding ~2 kB of JSON,
// to keep the subscriber's cost out of what it measures.
func freshnessWatermark(data []byte) (uint64, bool) {
	i := bytes.LastIndex(data, freshnessSeqKey)
	if i < 0 {
		return 0, false
	}
	rest := bytes.TrimLeft(data[i+len(freshnessSeqKey):], " ")
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	seq, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	return seq, err == nil
}

// freshnessQuantiles returns the p50, p99 and p99.9 of d in microseconds,
// by nearest rank over the sorted samples; it sorts d.
func freshnessQuantiles(d []time.Duration) (p50, p99, p999 float64) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	slices.Sort(d)
	q := func(f float64) float64 {
		i := min(max(int(math.Ceil(f*float64(len(d))))-1, 0), len(d)-1)
		return float64(d[i]) / float64(time.Microsecond)
	}
	return q(0.50), q(0.99), q(0.999)
}
