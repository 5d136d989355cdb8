package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
	"github.com/carrywatch/carrywatch/pkg/risk"
	"github.com/carrywatch/carrywatch/pkg/testutil/browsertest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
	"github.com/carrywatch/carrywatch/pkg/web"
)

const browserWait = browsertest.Wait

// jsOf gives a JetStream context to web.New.
type jsOf struct{ js jetstream.JetStream }

func (j jsOf) JetStream() jetstream.JetStream { return j.js }

// publish seals e and publishes it on its subject, with its id as
// Nats-Msg-Id as the services do.
func publish(t *testing.T, js jetstream.JetStream, e event.Event) {
	t.Helper()
	event.Seal(e, time.Now())
	data, err := event.Marshal(e)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = js.Publish(ctx, e.Subject(), data, jetstream.WithMsgID(e.Header().ID))
	require.NoError(t, err)
}

// print returns a print of the default model at observed with index and
// regime, a cost basis, two blocks and two components.
func print(observed time.Time, seq uint64, index float64, regime string) *event.RiskScore {
	basis := 89600.0
	raw := 1.86
	return &event.RiskScore{
		Meta:   event.Meta{Source: "scorer", ObservedAt: observed},
		Index:  index,
		Regime: regime,
		Blocks: []event.Block{
			{Name: "rates", Score: index / 100, Contribution: index * 0.6, Freshness: 1},
			{Name: "flows", Score: index / 120, Contribution: index * 0.4, Freshness: 0.8},
		},
		Components: []event.Component{
			{Name: "jgb_10y_level", Block: "rates", Raw: &raw, Score: 0.9, AsOf: observed.Add(-6 * time.Hour), AgeSeconds: 21600, Confidence: 0.95},
			{Name: "etf_flow_5d", Block: "flows", Score: 0.7, AsOf: observed.Add(-24 * time.Hour), AgeSeconds: 86400, Confidence: 0.8},
		},
		Triggers:        []string{"jgb_10y_above_1_8"},
		Drivers:         []string{"rates", "flows"},
		ModelVersion:    risk.DefaultModelVersion,
		CalibrationHash: "test",
		Watermark:       event.Watermark{StreamSeq: seq, EventTime: observed},
		ETFCostBasisUSD: &basis,
	}
}

func TestPageInBrowser(t *testing.T) {
	out := browsertest.Artifacts(t, "web")

	srv := natstest.New(t)
	js := srv.Streams(t)
	t0 := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)

	// A print stored before the page starts: the page shows it on load.
	publish(t, js, print(t0, 1, 21.5, event.RegimeCalm))

	cfg := web.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	page := web.New(cfg, jsOf{js}, zerolog.New(zerolog.NewTestWriter(t)))
	// A feed loop in the same process, with one source it cannot read.
	jitter := 0.0
	feeds, err := feed.NewRunner([]feed.Source{{Name: "mof-jgb-current", Format: "mof-jgb", URL: "file://" + filepath.Join(t.TempDir(), "jgbcm.csv"),
		Interval: time.Hour, Jitter: &jitter}}, formats.All(), jsOf{js}, prometheus.NewRegistry(), zerolog.Nop())
	require.NoError(t, err)
	require.NoError(t, feeds.Start(context.Background()))
	t.Cleanup(func() { _ = feeds.Stop(context.Background()) })
	page.WatchSources(feeds.States)
	startCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, page.Start(startCtx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		assert.NoError(t, page.Stop(ctx))
	})
	t.Logf("page at %s", page.URL())

	browser := browsertest.Open(t, page.URL())

	wait := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, browserWait)
		defer cancel()
		require.NoError(t, chromedp.Do(ctx, steps...), what)
	}
	text := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.getElementById("`+id+`").textContent`))
		require.NoError(t, err)
		return strings.TrimSpace(s)
	}
	screenshot := func(name string) { browsertest.Screenshot(t, browser, out, name) }

	wait("the stored print", chromedp.WaitVisible(chromedp.CSS(`#regime[data-regime="calm"]`)))
	assert.Equal(t, "21.5", text("index"))
	assert.Equal(t, "$89,600", text("cost-basis"))

	// Live: a quote, an incident, a dead letter, then a new print.
	publish(t, js, &event.MarketQuote{Meta: event.Meta{Source: "coinbase", ObservedAt: t0.Add(time.Hour)},
		Instrument: event.InstrumentBTCUSD, Value: 86250, Unit: event.UnitUSD, Kind: event.QuoteLast})
	publish(t, js, &event.VenueStatus{Meta: event.Meta{Source: "manual", ObservedAt: t0.Add(time.Hour)},
		Venue: "cme", IncidentID: "globex-cooling", Action: event.ActionOpen, Severity: event.SeverityHalt,
		Status: "investigating", Title: "Globex halted: data-centre cooling failure", StartedAt: t0.Add(30 * time.Minute)})
	dl := event.NewDeadLetter("sink", "cw.events.jgb.yield.10Y", []byte(`{"yield":"n/a"}`), 7,
		fmt.Errorf("decode: %w", event.ErrMalformed), t0.Add(time.Hour), time.Now())
	publish(t, js, dl)
	publish(t, js, print(t0.Add(time.Hour), 2, 80.5, event.RegimeElevated))

	wait("the new print", chromedp.WaitVisible(chromedp.CSS(`#regime[data-regime="elevated"]`)))
	wait("the quote, incident and dead letter",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.getElementById("btc").textContent.startsWith("$86,250") &&
				document.getElementById("incident-count").textContent === "1" &&
				document.getElementById("dlq-count").textContent === "1"`,
				chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(0))(ctx, tg)
			return err
		}))
	assert.Equal(t, "80.5", text("index"))
	assert.Equal(t, "elevated", text("regime"))
	assert.Equal(t, "jgb_10y_above_1_8", text("triggers"))
	assert.Contains(t, text("btc-gap"), "below the basis")
	assert.Contains(t, text("incidents"), "Globex halted")
	assert.Contains(t, text("dead-letters"), "cw.events.jgb.yield.10Y")
	assert.Contains(t, text("feeds"), "coinbase")
	wait("the failing source", chromedp.WaitVisible(chromedp.CSS(`#sources td.source-failing`)))
	assert.Contains(t, text("sources"), "mof-jgb-current")
	assert.Contains(t, text("sources"), "jgbcm.csv")
	assert.Equal(t, "1", text("sources-failing"))
	bands, err := chromedp.Run(browser, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#chart rect.band")).map(r => r.dataset.regime + ":" + r.getAttribute("y"))`))
	require.NoError(t, err)
	assert.Len(t, bands, 4, "regime bands")
	points, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.querySelector("#chart path.line").getAttribute("d")`))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(points, "M")+strings.Count(points, "L"), "chart points: %s", points)
	screenshot("page-desktop.png")

	// Phone width: nothing overflows the 390 px viewport.
	wait("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	overflow, err := chromedp.Run(browser, chromedp.Evaluate[string](`(() => {
		const w = document.documentElement.clientWidth;
		const out = [];
		if (document.documentElement.scrollWidth > w) out.push("document " + document.documentElement.scrollWidth + " > " + w);
		for (const e of document.querySelectorAll("body *")) {
			if (e.closest(".scroll")) continue;
			const r = e.getBoundingClientRect();
			if (r.right > w + 0.5) out.push((e.id || e.tagName) + " right " + r.right);
		}
		return out.join("; ");
	})()`))
	require.NoError(t, err)
	assert.Empty(t, overflow, "horizontal overflow at 390 px")
	screenshot("page-phone.png")

	// The snapshot the page renders is also served as JSON.
	var snap web.Snapshot
	got, err := chromedp.Run(browser, chromedp.Evaluate[string](`fetch("/api/state").then(r => r.text())`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(got), &snap))
	require.NotNil(t, snap.Print)
	assert.Equal(t, 80.5, snap.Print.Index)
	assert.Len(t, snap.History, 2)
}
