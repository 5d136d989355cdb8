package markets_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// exOrigin serves whatever body the test last set.
type exOrigin struct {
	mu   sync.Mutex
	body string
}

func (o *exOrigin) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = io.WriteString(w, o.body)
}

func (o *exOrigin) set(body string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.body = body
}

// exPollHarness is a real poller of one source, on an embedded JetStream
// server, fetching from an httptest origin, with a clock the test steps.
type exPollHarness struct {
	js     jetstream.JetStream
	origin *exOrigin
	poller *feed.Poller
	reg    *prometheus.Registry
	clock  time.Time
}

func exNewPollHarness(t *testing.T, format string, params map[string]string, start time.Time) *exPollHarness {
	t.Helper()
	h := &exPollHarness{js: natstest.New(t).Streams(t), origin: &exOrigin{}, reg: prometheus.NewRegistry(), clock: start}
	srv := httptest.NewServer(h.origin)
	t.Cleanup(srv.Close)
	zero := 0.0
	src := feed.Source{Name: "poll-test", URL: srv.URL, Format: format, Params: params, Interval: 15 * time.Second, Jitter: &zero}
	var err error
	h.poller, err = feed.NewPoller(src, newParser(t, format, params), h.js, h.reg, zerolog.New(io.Discard), func() time.Time { return h.clock })
	require.NoError(t, err)
	return h
}

// poll serves body, polls once at the current clock, then steps the clock
// by the source's 15 s interval.
func (h *exPollHarness) poll(t *testing.T, body string) {
	t.Helper()
	h.origin.set(body)
	require.NoError(t, h.poller.Poll(context.Background()))
	h.clock = h.clock.Add(15 * time.Second)
}

// quotes returns the market quotes stored in CW_EVENTS, in order, with
// their Nats-Msg-Id headers.
func (h *exPollHarness) quotes(t *testing.T) ([]*event.MarketQuote, []string) {
	t.Helper()
	ctx := context.Background()
	s, err := h.js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	n := s.CachedInfo().State.Msgs
	var out []*event.MarketQuote
	var ids []string
	for seq := uint64(1); seq <= n; seq++ {
		m, err := s.GetMsg(ctx, seq)
		require.NoError(t, err)
		assert.Equal(t, "cw.events.market.quote.BTC-USD", m.Subject)
		ev, err := event.Parse(m.Data, h.clock)
		require.NoError(t, err)
		out = append(out, ev.(*event.MarketQuote))
		ids = append(ids, m.Header.Get(jetstream.MsgIDHeader))
	}
	return out, ids
}

// Polling a ticker every 15 s stores one quote per minute: the first poll
// of a minute publishes, later polls in that minute either repeat the same
// event (the poller's seen-set skips it) or carry a new price under the
// same id (JetStream's duplicate window drops it).
func TestTickersPolledEvery15sStoreOneQuoteAMinute(t *testing.T) {
	start := time.Date(2025, 11, 21, 12, 0, 5, 0, time.UTC)
	minute := func(m int) time.Time { return time.Date(2025, 11, 21, 12, m, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		format string
		source string
		body   func(clock time.Time, price string) string
	}{
		{
			name:   "coinbase: the trade time, two seconds before each poll, truncated",
			format: markets.FormatCoinbaseTicker,
			source: "coinbase",
			body: func(clock time.Time, price string) string {
				return fmt.Sprintf(`{"ask":"%[1]s","bid":"%[1]s","volume":"4916.94797396","trade_id":1040406588,"price":"%[1]s","size":"0.00782662","time":%q}`,
					price, clock.Add(-2*time.Second).Format(time.RFC3339Nano))
			},
		},
		{
			name:   "kraken: the fetch time truncated",
			format: markets.FormatKrakenTicker,
			source: "kraken",
			body: func(_ time.Time, price string) string {
				return fmt.Sprintf(`{"error":[],"result":{"XXBTZUSD":{"a":["%[1]s","1","1.000"],"b":["%[1]s","1","1.000"],"c":["%[1]s","0.00112355"]}}}`, price)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := exNewPollHarness(t, tt.format, nil, start)
			// 12:00:05, :20, :35 and :50, the price moving on every poll.
			for _, price := range []string{"84826.00", "84830.50", "84801.25", "84850.00"} {
				h.poll(t, tt.body(h.clock, price))
			}
			got, ids := h.quotes(t)
			require.Len(t, got, 1, "four polls within 12:00 store one quote")
			assert.Equal(t, 84826.0, got[0].Value, "the minute keeps its first price")
			assert.Equal(t, minute(0), got[0].ObservedAt)
			assert.Equal(t, []string{event.NewID(tt.source, "BTC-USD", minute(0))}, ids)

			// 12:01:05 with a new price, 12:01:20 with the same body again.
			body := tt.body(h.clock, "84900.00")
			h.poll(t, body)
			h.poll(t, body)
			got, ids = h.quotes(t)
			require.Len(t, got, 2)
			assert.Equal(t, 84900.0, got[1].Value)
			assert.Equal(t, minute(1), got[1].ObservedAt)
			assert.Equal(t, event.NewID(tt.source, "BTC-USD", minute(1)), ids[1])
			assert.Equal(t, 1.0, exCounter(t, h.reg, "cw_feed_events_unchanged_total"), "the repeated 12:01 event is skipped before JetStream")
		})
	}
}

// exCounter returns the summed value of the counter family name on reg.
func exCounter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}
