package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chlocal"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/web"
)

type upFlags struct {
	config       string
	dataDir      string
	scenario     string
	speed        float64
	exitWhenDone bool
	timeout      time.Duration
	natsListen   string
	httpAddr     string
	webAddr      string
	history      bool
}

func newUpCmd() *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run every service in one process on an embedded NATS and a local ClickHouse",
		Long: `Run the whole pipeline in one process: an embedded NATS server with JetStream
(store under --data-dir; it lets in only the login of CW_NATS_USER and
CW_NATS_PASSWORD(_FILE) if set, else the one it makes at the first start
and keeps in <data-dir>/credentials/nats.env, where the other commands
find the server and that login when CW_NATS_URL is unset), ClickHouse
(CW_CLICKHOUSE_ADDR if set, otherwise a clickhouse server binary from PATH
started with its data under --data-dir),
the sink, the scorer, the live page, and the feeds: the sources of a feeds
file (--config or CW_FEED_CONFIG), else the public sources of
deploy/feeds.example.yaml, embedded. Before the first poll into a new NATS
store it publishes the embedded 1999-2023 history (--history=false skips
it). A source that cannot be reached is logged, counted and shown on the
page, and retried with backoff.

With --scenario it replays a scenario (an embedded name such as nov-2025,
or a JSON Lines file) offline instead, in a NATS store and local ClickHouse
of its own under <data-dir>/replays/NAME, emptied first, so a replay and
live data never share one event-time history; --exit-when-done waits until
every event is stored and prints one JSON report line on stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.exitWhenDone && f.scenario == "" {
				return errors.New("--exit-when-done ends a replay: give --scenario too (live, up runs until stopped)")
			}
			c, err := loadConfig()
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("data-dir") || f.dataDir != "" {
				c.DataDir = f.dataDir
			}
			if f.config != "" {
				c.FeedsFile = f.config
			}
			if f.natsListen != "" {
				c.NATS.Embedded.Listen = f.natsListen
			}
			if cmd.Flags().Changed("http-addr") {
				c.Ops.Addr = f.httpAddr
			}
			if cmd.Flags().Changed("web-addr") {
				c.Web.Addr = f.webAddr
			}
			// SIGINT or SIGTERM is the way to stop up: it shuts down
			// cleanly and returns nil (exit 0), even when it comes while
			// the services are still starting.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			err = runUp(ctx, c, f, cmd)
			if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "feeds file to poll (default $CW_FEED_CONFIG)")
	fl.StringVar(&f.dataDir, "data-dir", "", "where the embedded NATS store and login and local ClickHouse data live (default $CW_DATA_DIR or ~/.local/share/carrywatch)")
	fl.StringVar(&f.scenario, "scenario", "", "replay a scenario: an embedded name ("+fmt.Sprint(scenario.Names())+") or a .jsonl file")
	fl.Float64Var(&f.speed, "speed", 17280, "scenario event time per wall time (17280 = a day every 5 s; 0 = as fast as possible)")
	fl.BoolVar(&f.exitWhenDone, "exit-when-done", false, "exit after the scenario is stored, printing the report")
	fl.DurationVar(&f.timeout, "timeout", 2*time.Minute, "how long --exit-when-done waits for every event to be stored")
	fl.StringVar(&f.natsListen, "nats-listen", "", "embedded NATS listen address (default $CW_NATS_EMBEDDED_LISTEN or 127.0.0.1:4222)")
	fl.StringVar(&f.httpAddr, "http-addr", ":8080", "health, readiness and metrics endpoint (empty disables)")
	fl.StringVar(&f.webAddr, "web-addr", "", "live web page (default $CW_WEB_ADDR or 127.0.0.1:8090; empty disables)")
	fl.BoolVar(&f.history, "history", true, "publish the embedded 1999-2023 history once into a new NATS store before polling the feeds")
	return cmd
}

func runUp(ctx context.Context, c config, f upFlags, cmd *cobra.Command) error {
	log := logfx.New("carrywatch", c.Log, cmd.ErrOrStderr())
	// Live data lives in the data dir; a replay in a directory of its own,
	// emptied first: a replay is a fresh run, and its event time never
	// enters the live history.
	storeDir, replayName := c.DataDir, ""
	if f.scenario != "" {
		replayName = sanitizeName(strings.TrimSuffix(filepath.Base(f.scenario), ".jsonl"))
		storeDir = filepath.Join(c.DataDir, "replays", replayName)
		if err := os.RemoveAll(storeDir); err != nil {
			return fmt.Errorf("empty the replay's directory: %w", err)
		}
		if c.NATS.Embedded.StoreDir != "" && c.NATS.URL == "" {
			log.Warn().Str("ignored", c.NATS.Embedded.StoreDir).Msg("a replay keeps its NATS store under the data dir's replays/, not CW_NATS_EMBEDDED_STORE_DIR")
		}
		c.NATS.Embedded.StoreDir = ""
		if c.FeedsFile != "" {
			log.Warn().Str("file", c.FeedsFile).Msg("a replay polls no feeds: the feeds file is not read")
		}
	}
	var local *localNATS
	if c.NATS.URL == "" {
		if c.NATS.Embedded.StoreDir == "" {
			c.NATS.Embedded.StoreDir = filepath.Join(storeDir, "nats")
		}
		// The embedded server lets in only the login of the environment
		// or else the one kept in the data dir, where the client commands
		// find the server and that login.
		if len(natsAuthVars(c.NATS)) > 0 {
			local = &localNATS{User: c.NATS.User} // the password stays where the environment keeps it
		} else {
			l, err := localNATSLogin(c.DataDir)
			if err != nil {
				return err
			}
			c.NATS.User, c.NATS.Password = l.User, l.Password
			local = &l
		}
		local.Replay = replayName
	} else if replayName != "" {
		log.Warn().Str("nats", c.NATS.RedactedURL()).Msg("replaying into the NATS server of CW_NATS_URL: give a replay a server of its own, or its events join that server's history")
	}
	localCH := len(c.CH.Addr) == 0
	if localCH {
		srv, err := startLocalClickHouse(ctx, filepath.Join(storeDir, "clickhouse"), log)
		if err != nil {
			return err
		}
		defer func() {
			if err := srv.Stop(); err != nil {
				log.Warn().Err(err).Msg("stop local clickhouse")
			}
		}()
		c.CH.Addr = []string{srv.Addr()}
	} else if replayName != "" {
		log.Warn().Strs("clickhouse", c.CH.Addr).Str("database", c.CH.Database).
			Msg("replaying into the ClickHouse of CW_CLICKHOUSE_ADDR: give a replay a database of its own (CW_CLICKHOUSE_DATABASE)")
	}
	if err := c.validate(); err != nil {
		return err
	}
	ingest := fx.Options()
	data := fmt.Sprintf("replay of %s, offline, in a store of its own under %s", f.scenario, storeDir)
	if replayName != "" {
		// A replay brings heartbeats in its own event time; wall-clock ones
		// would jump the model's event time to today.
		c.Scorer.Heartbeat = 0
	} else {
		var feeds feed.Config
		if c.FeedsFile == "" {
			feeds = feed.Default()
		} else {
			var err error
			if feeds, err = feed.LoadConfig(c.FeedsFile); err != nil {
				return err
			}
		}
		marker := ""
		if f.history {
			marker = historyMarkerPath(c)
		}
		log.Info().Str("file", cmp.Or(c.FeedsFile, "(the default sources, deploy/feeds.example.yaml)")).
			Int("sources", len(feeds.Sources)).Bool("history", f.history).Msg("live: polling the feeds")
		ingest = liveOptions(c, feeds, marker)
		data = fmt.Sprintf("live: %d sources of %s, retried while unreachable (their state is on the page)",
			len(feeds.Sources), cmp.Or(c.FeedsFile, "the default feeds (deploy/feeds.example.yaml)"))
		if f.history {
			data += "; the 1999-2023 history first, once per store"
		}
	}
	var (
		bus *natsfx.Bus
		ch  *chfx.Client
		sc  *scorer.Scorer
		ops *opsfx.Server
		pg  *web.Server
	)
	app := fx.New(
		appOptions(c, ingest),
		fx.Replace(log),
		fx.Populate(&bus, &ch, &sc, &ops, &pg),
	)
	if err := app.Err(); err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := app.Stop(stopCtx); err != nil {
			log.Error().Err(err).Msg("stop")
		}
	}()
	if local != nil {
		local.URL = bus.ClientURL()
		if err := saveLocalNATS(c.DataDir, *local); err != nil {
			return err
		}
		log.Info().Str("file", localNATSFile(c.DataDir)).Msg("embedded nats login written for clients")
	}
	info := upInfo{NATSURL: bus.ClientURL(), CHAddr: c.CH.Addr[0], CHDatabase: ch.Database(), CHUser: c.CH.User,
		CHPassword: c.CH.Password != "", HTTPAddr: ops.Addr(), WebURL: pg.URL(), DataDir: c.DataDir, Data: data}
	if local != nil && local.Password != "" {
		info.NATSLogin = localNATSFile(c.DataDir)
	}
	if localCH {
		if err := saveLocalCH(c.DataDir, c.CH.Addr[0], ch.Database()); err != nil {
			return err
		}
	}
	log.Info().Str("nats_url", bus.ClientURL()).Strs("clickhouse", c.CH.Addr).Str("database", ch.Database()).
		Str("web", pg.URL()).Msg("carrywatch is up")
	if err := writeReady(cmd.ErrOrStderr(), info); err != nil {
		return err
	}

	if f.scenario != "" {
		rep, err := replay(ctx, f, bus, ch, sc, c.Sink.Consumer+"-events", log)
		if ctx.Err() != nil {
			log.Info().Msg("interrupted, shutting down")
			return nil
		}
		if rep != nil && f.exitWhenDone {
			if err := json.NewEncoder(cmd.OutOrStdout()).Encode(rep); err != nil {
				return err
			}
		}
		if err != nil {
			return err
		}
		if f.exitWhenDone {
			return nil
		}
	}
	<-ctx.Done()
	log.Info().Msg("shutting down")
	return nil
}

// startLocalClickHouse starts a ClickHouse server from PATH with its data
// under dir, or explains how to get one.
func startLocalClickHouse(ctx context.Context, dir string, log zerolog.Logger) (*chlocal.Server, error) {
	srv, err := chlocal.Start(ctx, dir, log, chlocal.WithPreferredPorts(localCHTCPPort, localCHHTTPPort, localCHInterserverPort))
	if errors.Is(err, chlocal.ErrNoBinary) {
		return nil, fmt.Errorf("no ClickHouse: set CW_CLICKHOUSE_ADDR=host:9000 to use a running server, "+
			"or install one (Debian/Ubuntu: sudo apt-get install -y clickhouse-server; "+
			"or `make deps`): %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	return srv, nil
}
