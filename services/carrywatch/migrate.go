package main

import (
	"fmt"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

func newMigrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ClickHouse migrations, and create the JetStream streams when CW_NATS_URL is set",
		Long: `Create the carrywatch database, tables and views, applying each numbered
migration once and recording it in schema_migrations. Safe to run while other
processes migrate; the DDL is rendered for the server's detected version.
With CW_NATS_URL set it then creates or updates the CW_EVENTS, CW_SCORES and
CW_DLQ streams, which services started with CW_NATS_MANAGE_STREAMS=false
only check.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig()
			if err != nil {
				return err
			}
			if c.CH, err = withLocalCH(c.CH, c.DataDir); err != nil {
				return err
			}
			if len(c.CH.Addr) == 0 {
				return fmt.Errorf("CW_CLICKHOUSE_ADDR is not set (host:port of the native protocol, e.g. 127.0.0.1:9000), and no carrywatch up has run on %s", c.DataDir)
			}
			if err := c.CH.Validate(); err != nil {
				return err
			}
			log := logfx.New("carrywatch", c.Log, cmd.ErrOrStderr())
			conn, err := chfx.Open(cmd.Context(), c.CH)
			if err != nil {
				return err
			}
			defer func() { _ = conn.Close() }()
			d, err := chschema.DetectDialect(cmd.Context(), conn)
			if err != nil {
				return err
			}
			applied, err := chschema.Migrate(cmd.Context(), conn, c.CH.Target(), d, log)
			if err != nil {
				return err
			}
			for _, m := range applied {
				fmt.Fprintf(cmd.OutOrStdout(), "applied %s\n", m.Name)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "database %s is at the current schema (%d migrations applied now)\n", c.CH.Database, len(applied))
			if c.NATS.URL == "" {
				return nil
			}
			// Services running with CW_NATS_MANAGE_STREAMS=false only check
			// the streams: this is where they are created.
			// Errors come back from Start and EnsureStreams; the bus's own
			// connection logging would outlive the command.
			bus := natsfx.New(c.NATS, zerolog.Nop())
			if err := bus.Start(cmd.Context()); err != nil {
				return err
			}
			defer func() { _ = bus.Stop(cmd.Context()) }()
			if err := natsfx.EnsureStreams(cmd.Context(), bus.JetStream(), c.NATS.Streams); err != nil {
				return fmt.Errorf("create streams: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "streams %s, %s and %s are at the current configuration\n",
				natsfx.StreamEvents, natsfx.StreamScores, natsfx.StreamDLQ)
			return nil
		},
	}
}
