package feed

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

var testNow = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

// lineParser reads "YYYY-MM-DD TENOR YIELD" lines into JGB yields; any
// other line is a bad body.
func lineParser(body []byte, _ time.Time) (Observations, error) {
	var obs Observations
	s := bufio.NewScanner(bytes.NewReader(body))
	for n := 1; s.Scan(); n++ {
		f := strings.Fields(s.Text())
		if len(f) != 3 {
			return Observations{}, fmt.Errorf("%w: line %d: want date tenor yield", ErrBadBody, n)
		}
		day, err := time.Parse(time.DateOnly, f[0])
		if err != nil {
			return Observations{}, fmt.Errorf("%w: line %d: %v", ErrBadBody, n, err)
		}
		y, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return Observations{}, fmt.Errorf("%w: line %d: %v", ErrBadBody, n, err)
		}
		obs.Events = append(obs.Events, &event.JGBYield{
			Meta:  event.Meta{Source: "test", ObservedAt: day.Add(6 * time.Hour)},
			Tenor: f[1], YieldPct: y,
		})
	}
	return obs, nil
}

// origin is an HTTP source whose answers the test scripts.
type origin struct {
	mu       sync.Mutex
	body     string
	etag     string
	statuses []int // answered first, one per request, before the body
	requests atomic.Int32
	notMod   atomic.Int32
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.requests.Add(1)
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.statuses) > 0 {
		code := o.statuses[0]
		o.statuses = o.statuses[1:]
		if code == 0 { // hang until the client gives up
			o.mu.Unlock()
			<-r.Context().Done()
			o.mu.Lock()
			return
		}
		http.Error(w, "upstream trouble", code)
		return
	}
	if o.etag != "" {
		if r.Header.Get("If-None-Match") == o.etag {
			o.notMod.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", o.etag)
	}
	_, _ = io.WriteString(w, o.body)
}

func (o *origin) set(body, etag string, statuses ...int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.body, o.etag, o.statuses = body, etag, statuses
}

type harness struct {
	js     jetstream.JetStream
	origin *origin
	poller *Poller
	parses atomic.Int32
}

func newHarness(t *testing.T, src Source) *harness {
	t.Helper()
	ns := natstest.New(t)
	h := &harness{js: ns.Streams(t), origin: &origin{}}
	srv := httptest.NewServer(h.origin)
	t.Cleanup(srv.Close)
	src.Name, src.URL, src.Format = "test", srv.URL, "lines"
	src = src.WithDefaults()
	require.NoError(t, src.Validate())
	m, err := newMetrics(prometheus.NewRegistry())
	require.NoError(t, err)
	parse := func(body []byte, now time.Time) (Observations, error) {
		h.parses.Add(1)
		return lineParser(body, now)
	}
	h.poller = newPoller(src, parse, h.js, m, zerolog.New(io.Discard))
	h.poller.now = func() time.Time { return testNow }
	h.poller.rand = func() float64 { return 0.5 } // no jitter
	return h
}

func (h *harness) streamMsgs(t *testing.T, stream string) uint64 {
	t.Helper()
	s, err := h.js.Stream(context.Background(), stream)
	require.NoError(t, err)
	return s.CachedInfo().State.Msgs
}

func TestChangedSourceYieldsExactlyTheNewObservations(t *testing.T) {
	h := newHarness(t, Source{})
	ctx := context.Background()

	h.origin.set("2026-01-02 2Y 1.10\n2026-01-02 10Y 2.05\n", "")
	require.NoError(t, h.poller.Poll(ctx))
	assert.Equal(t, uint64(2), h.streamMsgs(t, natsfx.StreamEvents))

	require.NoError(t, h.poller.Poll(ctx)) // the same body again
	assert.Equal(t, uint64(2), h.streamMsgs(t, natsfx.StreamEvents))
	assert.Equal(t, 2.0, testutil.ToFloat64(h.poller.m.unchanged.WithLabelValues("test")))

	h.origin.set("2026-01-02 2Y 1.10\n2026-01-02 10Y 2.05\n2026-01-05 2Y 1.12\n", "")
	require.NoError(t, h.poller.Poll(ctx))
	assert.Equal(t, uint64(3), h.streamMsgs(t, natsfx.StreamEvents))
	assert.Equal(t, 3.0, testutil.ToFloat64(h.poller.m.events.WithLabelValues("test")))

	s, err := h.js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	last, err := s.GetLastMsgForSubject(ctx, "cw.events.jgb.yield.2Y")
	require.NoError(t, err)
	assert.Equal(t, event.NewID("test", "2Y", time.Date(2026, 1, 5, 6, 0, 0, 0, time.UTC)), last.Header.Get(jetstream.MsgIDHeader))
	ev, err := event.Parse(last.Data, testNow)
	require.NoError(t, err)
	assert.Equal(t, 1.12, ev.(*event.JGBYield).YieldPct)
}

func TestNotModifiedIsHonoured(t *testing.T) {
	h := newHarness(t, Source{})
	ctx := context.Background()
	h.origin.set("2026-01-02 2Y 1.10\n", `"v1"`)

	require.NoError(t, h.poller.Poll(ctx))
	require.NoError(t, h.poller.Poll(ctx))
	require.NoError(t, h.poller.Poll(ctx))
	assert.Equal(t, int32(2), h.origin.notMod.Load(), "the second and third polls sent If-None-Match")
	assert.Equal(t, int32(1), h.parses.Load(), "a 304 is not parsed")
	assert.Equal(t, 2.0, testutil.ToFloat64(h.poller.m.polls.WithLabelValues("test", resultNotModified)))
	assert.Equal(t, uint64(1), h.streamMsgs(t, natsfx.StreamEvents))
}

// 5xx answers and a timeout back off exponentially from RetryBase, then the
// poller recovers and publishes, and returns to its interval.
func TestTransientFailuresBackOffAndRecover(t *testing.T) {
	h := newHarness(t, Source{Interval: time.Hour, RetryBase: time.Second, Timeout: 100 * time.Millisecond})
	h.origin.set("2026-01-02 2Y 1.10\n", "", 500, 503, 0, 502)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var delays []time.Duration
	h.poller.wait = func(_ context.Context, d time.Duration) error {
		delays = append(delays, d)
		if len(delays) == 6 {
			cancel()
			return context.Canceled
		}
		return nil
	}
	h.poller.Run(ctx)

	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, time.Hour, time.Hour}, delays)
	assert.Equal(t, 4.0, testutil.ToFloat64(h.poller.m.polls.WithLabelValues("test", resultError)))
	assert.Equal(t, 2.0, testutil.ToFloat64(h.poller.m.polls.WithLabelValues("test", resultOK)))
	assert.Equal(t, uint64(1), h.streamMsgs(t, natsfx.StreamEvents))
	assert.NoError(t, h.poller.health(testNow))
}

func TestGarbageBodyIsDeadLetteredAndTheNextGoodPollPublishes(t *testing.T) {
	h := newHarness(t, Source{})
	ctx := context.Background()
	garbage := "<html><body>Just a moment... checking your browser</body></html>"
	h.origin.set(garbage, "")

	require.NoError(t, h.poller.Poll(ctx), "a bad body is not a reason to retry sooner")
	assert.Equal(t, uint64(0), h.streamMsgs(t, natsfx.StreamEvents))
	dl := lastDeadLetter(t, h.js)
	assert.Equal(t, []byte(garbage), dl.Payload)
	assert.Equal(t, Stage, dl.Stage)
	assert.Equal(t, "test", dl.Source)
	assert.Equal(t, "bad_body", dl.Code)
	assert.Contains(t, dl.Reason, "source test (http://")
	assert.Contains(t, dl.Reason, "bad body: line 1: want date tenor yield")

	h.origin.set("2026-01-02 2Y 1.10\n", "")
	require.NoError(t, h.poller.Poll(ctx))
	assert.Equal(t, uint64(1), h.streamMsgs(t, natsfx.StreamEvents))
	assert.Equal(t, 1.0, testutil.ToFloat64(h.poller.m.deadLetters.WithLabelValues("test")))
}

func TestOversizeBodyIsDeadLetteredCut(t *testing.T) {
	h := newHarness(t, Source{MaxBodyBytes: 16})
	h.origin.set("2026-01-02 2Y 1.10\n2026-01-02 10Y 2.05\n", "")
	require.NoError(t, h.poller.Poll(context.Background()))
	dl := lastDeadLetter(t, h.js)
	assert.Equal(t, []byte("2026-01-02 2Y 1.")[:16], dl.Payload)
	assert.Contains(t, dl.Reason, "body too large: over 16 bytes")
	assert.Equal(t, "too_large", dl.Code)
	assert.Equal(t, uint64(0), h.streamMsgs(t, natsfx.StreamEvents))
}

func TestInvalidObservationIsDeadLetteredOthersPublished(t *testing.T) {
	h := newHarness(t, Source{})
	h.origin.set("2026-01-02 2Y 1.10\n2026-01-02 10Y 188.1\n", "")
	require.NoError(t, h.poller.Poll(context.Background()))
	assert.Equal(t, uint64(1), h.streamMsgs(t, natsfx.StreamEvents))
	dl := lastDeadLetter(t, h.js)
	assert.Equal(t, "out_of_range", dl.Code)
	assert.Contains(t, dl.Reason, "invalid observation: yield_pct: value out of range")
}

func lastDeadLetter(t *testing.T, js jetstream.JetStream) *event.DeadLetter {
	t.Helper()
	ctx := context.Background()
	s, err := js.Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	msg, err := s.GetLastMsgForSubject(ctx, event.SubjectDeadLetter(Stage))
	require.NoError(t, err)
	ev, err := event.Parse(msg.Data, testNow)
	require.NoError(t, err)
	return ev.(*event.DeadLetter)
}
