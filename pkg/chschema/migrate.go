package chschema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/backoff"
)

// MigrationsTable is the table, in the migrated database, that records
// applied migrations.
const MigrationsTable = "schema_migrations"

// Server error codes a concurrent CREATE … IF NOT EXISTS could fail with if
// a server checked existence and created non-atomically. 18.16 and current
// servers serialise such DDL (8 concurrent clients never failed), so this is
// defence in depth: re-running the statement then succeeds.
var ddlRaceCodes = map[int32]bool{
	57: true, // TABLE_ALREADY_EXISTS
	82: true, // DATABASE_ALREADY_EXISTS
}

// Migrate brings target t on conn up to date with the embedded migrations
// rendered for dialect d, and returns the migrations it applied (none when
// the database was current).
//
// It checks that the database, if migrated before, was migrated for the
// same layout (single server or cluster; ErrLayoutMismatch), creates the
// database and <database>.schema_migrations if missing, reads the applied
// versions with FINAL, fails with ErrChecksumMismatch if an applied
// migration's file has changed since (edits that leave the single-server
// rendering unchanged are accepted, see formerChecksums), applies the
// others in version order, records each (INSERT naming its columns) and
// finally runs OPTIMIZE … FINAL on schema_migrations until every record is
// physically single.
//
// Several processes may migrate the same database at once, on one server
// or through any nodes of a cluster: every statement is idempotent, a
// migration applied twice is recorded twice and merged to one row by the
// ReplacingMergeTree key (the first apply wins), and reads use FINAL. On a
// cluster schema_migrations is one replicated table across every shard, so
// each node holds every record; a migrator that reads before another's
// record has replicated re-applies that migration, which changes nothing.
// Each ON CLUSTER statement returns once every node has run it, so
// applying a migration needs every server up; a database that is current
// runs no DDL, and migrating it succeeds while a server is down.
// Errors name the migration ("migrate 0003_create_etf_flows: …").
func Migrate(ctx context.Context, conn driver.Conn, t Target, d Dialect, log zerolog.Logger) ([]Migration, error) {
	migs, err := Render(d, t)
	if err != nil {
		return nil, err
	}
	return apply(ctx, conn, t, migs, log)
}

type appliedRecord struct {
	Version   uint32
	Name      string
	Checksum  string
	AppliedAt time.Time
}

// bookkeepingDDL returns the statements creating t's database and its
// schema_migrations table. The MATERIALIZED keep_rank is the
// ReplacingMergeTree version: the earliest applied_at ranks highest, so the
// first apply is the one kept. On a cluster the table is replicated with
// one keeper path for the whole cluster (no {shard}), so every node holds
// every record.
func bookkeepingDDL(t Target) []string {
	engine := "ReplacingMergeTree(keep_rank)"
	if t.Cluster != "" {
		engine = "ReplicatedReplacingMergeTree('/clickhouse/tables/all/" + t.Database + "/" + MigrationsTable + "', '{replica}', keep_rank)"
	}
	onCluster := ""
	if t.Cluster != "" {
		onCluster = " ON CLUSTER " + t.Cluster
	}
	return []string{
		"CREATE DATABASE IF NOT EXISTS " + t.Database + onCluster,
		`CREATE TABLE IF NOT EXISTS ` + t.Database + `.` + MigrationsTable + onCluster + `
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime,
    keep_rank  UInt32 MATERIALIZED 4294967295 - toUInt32(applied_at)
)
ENGINE = ` + engine + `
ORDER BY version`,
	}
}

func apply(ctx context.Context, conn driver.Conn, t Target, migs []Migration, log zerolog.Logger) ([]Migration, error) {
	db := t.Database
	log = log.With().Str("database", db).Str("cluster", t.Cluster).Logger()
	migrated, err := checkLayout(ctx, conn, t)
	if err != nil {
		return nil, err
	}
	// Once schema_migrations exists, a current database needs no DDL at all,
	// so on a cluster a migrator (every sink at start-up) does not wait for
	// every server to answer an ON CLUSTER statement while one is down.
	if !migrated {
		ddl := bookkeepingDDL(t)
		if err := execDDL(ctx, conn, ddl[0]); err != nil {
			return nil, fmt.Errorf("create database %s: %w", t, err)
		}
		if err := execDDL(ctx, conn, ddl[1]); err != nil {
			return nil, fmt.Errorf("create table %s: %w", MigrationsTable, err)
		}
	}
	applied, err := readApplied(ctx, conn, db)
	if err != nil {
		return nil, err
	}
	known := make(map[int]bool, len(migs))
	for _, m := range migs {
		known[m.Version] = true
		rec, ok := applied[uint32(m.Version)]
		if ok && !m.accepts(rec.Checksum) {
			return nil, fmt.Errorf("migrate %s: recorded checksum %.12s, file has %.12s (applied %s as %s): %w",
				m.Name, rec.Checksum, m.Checksum, rec.AppliedAt.UTC().Format(time.RFC3339), rec.Name, ErrChecksumMismatch)
		}
	}
	for v, rec := range applied {
		if !known[int(v)] {
			log.Warn().Uint32("version", v).Str("name", rec.Name).
				Msg("database has a migration this binary does not know; continuing")
		}
	}
	var done []Migration
	for _, m := range migs {
		if _, ok := applied[uint32(m.Version)]; ok {
			continue
		}
		start := time.Now()
		for i, stmt := range m.Statements {
			if err := execDDL(ctx, conn, stmt); err != nil {
				return done, fmt.Errorf("migrate %s: statement %d: %w", m.Name, i+1, err)
			}
		}
		if err := record(ctx, conn, db, m); err != nil {
			return done, fmt.Errorf("migrate %s: %w", m.Name, err)
		}
		done = append(done, m)
		log.Info().Int("version", m.Version).Str("name", m.Name).
			Int("statements", len(m.Statements)).Dur("elapsed", time.Since(start)).
			Msg("migration applied")
	}
	if len(done) > 0 {
		if err := compact(ctx, conn, db, log); err != nil {
			return done, err
		}
	}
	return done, nil
}

// checkLayout reports whether t's schema_migrations exists, and fails with
// ErrLayoutMismatch when it was created for the other layout: replicated
// means the database was migrated ON CLUSTER, and migrating it as a single
// server (or the reverse) would create tables on one server only (or
// replicated tables next to local ones). It runs before any DDL, so a
// mismatch changes nothing.
func checkLayout(ctx context.Context, conn driver.Conn, t Target) (exists bool, err error) {
	rows, err := conn.Query(ctx, "SELECT engine FROM system.tables WHERE database = ? AND name = ?", t.Database, MigrationsTable)
	if err != nil {
		return false, fmt.Errorf("read engine of %s: %w", MigrationsTable, err)
	}
	defer func() { _ = rows.Close() }()
	var engine string
	for rows.Next() {
		if err := rows.Scan(&engine); err != nil {
			return false, fmt.Errorf("read engine of %s: %w", MigrationsTable, err)
		}
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read engine of %s: %w", MigrationsTable, err)
	}
	replicated := strings.HasPrefix(engine, "Replicated")
	switch {
	case engine == "":
		return false, nil // not migrated yet
	case t.Cluster != "" && !replicated:
		return true, fmt.Errorf("%w: %s.%s is %s: the database was migrated for a single server, not ON CLUSTER %s",
			ErrLayoutMismatch, t.Database, MigrationsTable, engine, t.Cluster)
	case t.Cluster == "" && replicated:
		return true, fmt.Errorf("%w: %s.%s is %s: the database was migrated ON CLUSTER; set the cluster name (CW_CLICKHOUSE_CLUSTER)",
			ErrLayoutMismatch, t.Database, MigrationsTable, engine)
	}
	return true, nil
}

func readApplied(ctx context.Context, conn driver.Conn, db string) (map[uint32]appliedRecord, error) {
	rows, err := conn.Query(ctx, "SELECT version, name, checksum, applied_at FROM "+db+"."+MigrationsTable+" FINAL")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", MigrationsTable, err)
	}
	defer func() { _ = rows.Close() }()
	out := map[uint32]appliedRecord{}
	for rows.Next() {
		var r appliedRecord
		if err := rows.Scan(&r.Version, &r.Name, &r.Checksum, &r.AppliedAt); err != nil {
			return nil, fmt.Errorf("read %s: %w", MigrationsTable, err)
		}
		out[r.Version] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", MigrationsTable, err)
	}
	return out, nil
}

func record(ctx context.Context, conn driver.Conn, db string, m Migration) error {
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO "+db+"."+MigrationsTable+" (version, name, checksum, applied_at)")
	if err != nil {
		return fmt.Errorf("prepare batch %s: %w", MigrationsTable, err)
	}
	defer func() { _ = batch.Close() }()
	if err := batch.Append(uint32(m.Version), m.Name, m.Checksum, time.Now().UTC().Truncate(time.Second)); err != nil {
		return fmt.Errorf("append %s: %w", MigrationsTable, err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("send batch %s: %w", MigrationsTable, err)
	}
	return nil
}

// compact merges duplicate records (left by concurrent migrators) so that
// schema_migrations holds one physical row per version. A concurrent merge
// can make one OPTIMIZE a no-op, hence the bounded retry, and on a cluster
// one that races another replica's can fail (18.16: "Unknown log entry
// type"), which is logged, not returned: the migrations are applied and
// recorded by then, and duplicates left behind are harmless because reads
// use FINAL.
func compact(ctx context.Context, conn driver.Conn, db string, log zerolog.Logger) error {
	table := db + "." + MigrationsTable
	retry := compactBackoff.Start(ctx, nil)
	for {
		if err := conn.Exec(ctx, "OPTIMIZE TABLE "+table+" FINAL"); err != nil {
			var ex *clickhouse.Exception
			if !errors.As(err, &ex) {
				return fmt.Errorf("optimize %s: %w", MigrationsTable, err)
			}
			log.Warn().Err(err).Str("table", MigrationsTable).Msg("optimize failed; duplicate migration records may stay unmerged, reads use FINAL")
			return nil
		}
		var all, final uint64
		if err := conn.QueryRow(ctx, "SELECT (SELECT count() FROM "+table+"), (SELECT count() FROM "+table+" FINAL)").Scan(&all, &final); err != nil {
			return fmt.Errorf("count %s: %w", MigrationsTable, err)
		}
		if all == final {
			return nil
		}
		if !retry.Wait() {
			break
		}
	}
	if err := retry.Err(); err != nil {
		return fmt.Errorf("optimize %s: %w", MigrationsTable, err)
	}
	log.Warn().Str("table", MigrationsTable).Msg("duplicate migration records left unmerged; reads use FINAL")
	return nil
}

// Retries of compact's OPTIMIZE and of execDDL.
var (
	compactBackoff = backoff.Policy{First: 25 * time.Millisecond, Max: time.Second, Tries: 10}
	ddlBackoff     = backoff.Policy{First: 20 * time.Millisecond, Tries: 5}
)

// execDDL runs an idempotent DDL statement, re-running it when a concurrent
// creator made it fail. An ADD COLUMN without IF NOT EXISTS (servers
// without it, see Dialect.AddColumnIfNotExists) whose column exists is
// done.
func execDDL(ctx context.Context, conn driver.Conn, stmt string) error {
	retry := ddlBackoff.Start(ctx, nil)
	for {
		err := conn.Exec(ctx, stmt)
		var ex *clickhouse.Exception
		if err != nil && errors.As(err, &ex) && columnExists(stmt, ex) {
			return nil
		}
		if err == nil || !errors.As(err, &ex) || !ddlRaceCodes[ex.Code] {
			return err
		}
		if !retry.Wait() {
			if retry.Err() != nil {
				return retry.Err()
			}
			return err
		}
	}
}

// columnExists reports whether ex is a server's refusal to add a column
// that is already there (18.16: code 44, ILLEGAL_COLUMN, "Cannot add column
// c: column with this name already exists") to an ALTER TABLE … ADD COLUMN.
func columnExists(stmt string, ex *clickhouse.Exception) bool {
	return ex.Code == 44 && strings.Contains(ex.Message, "already exists") &&
		strings.HasPrefix(stmt, "ALTER TABLE ") && strings.Contains(stmt, " ADD COLUMN ")
}
