package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/lifecycle"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/progress"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/scorer"
)

// historyMarkerName is the file, next to the NATS store, that says the
// embedded history has been published into that store.
const historyMarkerName = "carrywatch-history.json"

// historyMarker is what the marker file holds.
type historyMarker struct {
	Published  int       `json:"published"`
	Duplicates int       `json:"duplicates"`
	At         time.Time `json:"at"`
}

// liveIngest is the ingest of a live `carrywatch up`: it publishes the
// embedded 1999–2023 history once per NATS store, then polls the feeds.
// The history comes first so that each daily series enters the model in
// day order, and the scorer's heartbeats are held until it is in: a
// heartbeat moves event time to today.
type liveIngest struct {
	runner *feed.Runner
	bus    *natsfx.Bus
	scorer *scorer.Scorer
	// marker is the history marker's path; "" skips the history.
	marker       string
	sinkConsumer string
	log          zerolog.Logger

	release chan struct{} // closed once the history is in or skipped
	cancel  context.CancelFunc
	done    chan struct{}
}

func newLiveIngest(runner *feed.Runner, bus *natsfx.Bus, sc *scorer.Scorer, marker, sinkConsumer string, log zerolog.Logger) *liveIngest {
	l := &liveIngest{runner: runner, bus: bus, scorer: sc, marker: marker, sinkConsumer: sinkConsumer,
		log: log.With().Str("component", "ingest").Logger(), release: make(chan struct{})}
	sc.HoldHeartbeats(l.release)
	return l
}

// Start runs the history and then the feeds on their own goroutine.
func (l *liveIngest) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan struct{})
	go func() {
		defer close(l.done)
		l.publishHistory(ctx)
		close(l.release)
		if ctx.Err() != nil {
			return
		}
		if err := l.runner.Start(ctx); err != nil {
			l.log.Error().Err(err).Msg("feeds not started")
		}
	}()
	return nil
}

// Stop ends the history if it is still being published, then the feeds.
func (l *liveIngest) Stop(ctx context.Context) error {
	if l.cancel == nil {
		return nil
	}
	l.cancel()
	if err := lifecycle.Wait(ctx, "ingest", l.done); err != nil {
		return err
	}
	return l.runner.Stop(ctx)
}

// Ready is the feeds' readiness: not ready until the history is in and
// the runner has started (feed.ErrNotStarted), then the runner's Ready.
func (l *liveIngest) Ready(ctx context.Context) error { return l.runner.Ready(ctx) }

// publishHistory publishes the embedded history unless the marker says it
// is in the store already. A failure is logged, and the next start tries
// again: the feeds run either way.
func (l *liveIngest) publishHistory(ctx context.Context) {
	if l.marker == "" {
		return
	}
	if _, err := os.Stat(l.marker); err == nil {
		l.log.Info().Str("marker", l.marker).Msg("history 1999-2023 already published into this store")
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		l.log.Warn().Err(err).Msg("history marker unreadable; publishing the history (duplicates are dropped)")
	}
	start := time.Now()
	events, _, err := historyEvents(io.Discard, nil, start, progress.New(io.Discard, false))
	if err != nil {
		l.log.Error().Err(err).Msg("embedded history does not parse; polling without it")
		return
	}
	l.log.Info().Int("events", len(events)).Msg("publishing the 1999-2023 history before polling the feeds")
	step := max(len(events)/10, 1)
	next := step
	p := &scenario.Player{JS: l.bus.JetStream(), Speed: 0, Log: l.log, Pace: pacer(l.bus, l.sinkConsumer, l.scorer),
		Progress: func(n int) {
			if n >= next {
				l.log.Info().Int("published", n).Int("of", len(events)).Msg("history")
				next = n + step
			}
		}}
	res, err := p.Play(ctx, &scenario.Scenario{Events: events})
	if err != nil {
		if ctx.Err() == nil {
			l.log.Error().Err(err).Int("published", res.Published).Msg("history not all published; the next start publishes it again")
		}
		return
	}
	data, err := json.Marshal(historyMarker{Published: res.Published, Duplicates: res.Duplicates, At: time.Now().UTC()})
	if err == nil {
		err = os.MkdirAll(filepath.Dir(l.marker), 0o700)
	}
	if err == nil {
		err = os.WriteFile(l.marker, append(data, '\n'), 0o600)
	}
	if err != nil {
		l.log.Warn().Err(err).Msg("history marker not written; the next start publishes the history again")
	}
	l.log.Info().Int("published", res.Published).Int("duplicates", res.Duplicates).
		Dur("elapsed", time.Since(start).Round(time.Millisecond)).Msg("history published")
}

// historyMarkerPath is where a live up records that the history is in its
// NATS store: next to the embedded store, or, on a NATS server of the
// environment, in the data dir under the server's address.
func historyMarkerPath(c config) string {
	if c.NATS.URL == "" {
		return filepath.Join(c.NATS.Embedded.StoreDir, historyMarkerName)
	}
	return filepath.Join(c.DataDir, "history", sanitizeName(c.NATS.URL)+".json")
}

// sanitizeName makes s a file name: lowercase [a-z0-9._-], every other
// character a dash.
func sanitizeName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '_' && c != '-' {
			b[i] = '-'
		}
	}
	return string(b)
}
