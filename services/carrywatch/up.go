package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
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

// defaultScenario plays when carrywatch up has neither a feeds file nor a
// scenario, so a new user sees the pipeline move on a machine with no
// internet.
const defaultScenario = "nov-2025"

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
the sink, and the sources of a feeds file (--config or CW_FEED_CONFIG;
see deploy/feeds.example.yaml). With neither a feeds file nor --scenario it
replays the nov-2025 episode, a simulated day every 5 s.

With --scenario it replays a scenario (an embedded name or a JSON Lines file),
waits until every event is stored, and prints one JSON report line on stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
	return cmd
}

func runUp(ctx context.Context, c config, f upFlags, cmd *cobra.Command) error {
	log := logfx.New("carrywatch", c.Log, cmd.ErrOrStderr())
	var local *localNATS
	if c.NATS.URL == "" {
		if c.NATS.Embedded.StoreDir == "" {
			c.NATS.Embedded.StoreDir = filepath.Join(c.DataDir, "nats")
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
	}
	localCH := len(c.CH.Addr) == 0
	if localCH {
		srv, err := startLocalClickHouse(ctx, filepath.Join(c.DataDir, "clickhouse"), log)
		if err != nil {
			return err
		}
		defer func() {
			if err := srv.Stop(); err != nil {
				log.Warn().Err(err).Msg("stop local clickhouse")
			}
		}()
		c.CH.Addr = []string{srv.Addr()}
	}
	if err := c.validate(); err != nil {
		return err
	}
	var feeds feed.Config
	if c.FeedsFile != "" {
		var err error
		if feeds, err = feed.LoadConfig(c.FeedsFile); err != nil {
			return err
		}
		log.Info().Str("file", c.FeedsFile).Int("sources", len(feeds.Sources)).Msg("polling the feeds file's sources")
	} else if f.scenario == "" {
		f.scenario = defaultScenario
		log.Info().Str("scenario", f.scenario).Float64("speed", f.speed).
			Msg("no feeds file (--config or CW_FEED_CONFIG): replaying the nov-2025 episode, a simulated day every 5 s at the default speed")
	}

	if f.scenario != "" {
		// A replay brings heartbeats in its own event time; wall-clock ones
		// would jump the model's event time to today.
		c.Scorer.Heartbeat = 0
	}
	var (
		bus *natsfx.Bus
		ch  *chfx.Client
		sc  *scorer.Scorer
		ops *opsfx.Server
		pg  *web.Server
	)
	app := fx.New(
		appOptions(c, feeds),
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
		CHPassword: c.CH.Password != "", HTTPAddr: ops.Addr(), WebURL: pg.URL(), DataDir: c.DataDir}
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
	log.Info().Str("addr", srv.Addr()).Str("dir", dir).Msg("local clickhouse started")
	return srv, nil
}
