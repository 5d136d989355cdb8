package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/logfx"
)

func newMigrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ClickHouse migrations to CW_CLICKHOUSE_ADDR / CW_CLICKHOUSE_DATABASE",
		Long: `Create the carrywatch database, tables and views, applying each numbered
migration once and recording it in schema_migrations. Safe to run while other
processes migrate; the DDL is rendered for the server's detected version.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig()
			if err != nil {
				return err
			}
			if len(c.CH.Addr) == 0 {
				return fmt.Errorf("CW_CLICKHOUSE_ADDR is not set (host:port of the native protocol, e.g. 127.0.0.1:9000)")
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
			d, err := chfx.DetectDialect(cmd.Context(), conn)
			if err != nil {
				return err
			}
			applied, err := chfx.Migrate(cmd.Context(), conn, c.CH.Target(), d, log)
			if err != nil {
				return err
			}
			for _, m := range applied {
				fmt.Fprintf(cmd.OutOrStdout(), "applied %s\n", m.Name)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "database %s is at the current schema (%d migrations applied now)\n", c.CH.Database, len(applied))
			return nil
		},
	}
}
