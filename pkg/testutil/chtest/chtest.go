// Package chtest gives tests a real ClickHouse database: New connects to
// CLICKHOUSE_TEST_ADDR if set, else to one local server started per test
// binary (stop it with Main from TestMain), and migrates a fresh database
// named after the test, dropped at cleanup.
//
// Dedicated gives a test a server of its own (with extra configuration
// files if needed), and ZooKeeper with NewCluster a cluster of local
// servers, for the replicated, ON CLUSTER schema. The servers are package
// chlocal's, the ones `carrywatch up` starts; chtest adds the database per
// test, the clean-up and the loud skip.
//
// Without an address and without a server binary (or, for a cluster, without
// ZooKeeper), tests skip loudly, or fail when the CI environment variable is
// set, so that CI never looks green without having run them.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chlocal"
	"github.com/carrywatch/carrywatch/pkg/chschema"
)

// EnvAddr names the variable holding the native address (host:port) of an
// existing server to test against instead of a local one.
const EnvAddr = "CLICKHOUSE_TEST_ADDR"

// setupTimeout bounds starting the shared server and preparing a database.
const setupTimeout = 2 * time.Minute

// DB is one test's database on a real server.
type DB struct {
	// Conn is a connection whose default database is Database (from New),
	// so unqualified table names resolve to it, or the server's default
	// database (from NewEmpty, whose database does not exist yet).
	Conn driver.Conn
	// Addr is the server's native address.
	Addr string
	// Database is the test's database name.
	Database string
	// Dialect is the server's dialect.
	Dialect chschema.Dialect
}

var shared struct {
	once   sync.Once
	mu     sync.Mutex
	server *chlocal.Server
	dir    string
	err    error
}

// Main runs the tests and then stops the shared local server, if one was
// started, and removes its directory. Call it from TestMain:
//
//	func TestMain(m *testing.M) { chtest.Main(m) }
//
// Without it the server still dies with the test binary (it is started with
// a parent-death signal) but its temporary directory is left behind.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit: it runs the tests, stops the shared server
// and returns m.Run's exit code, for a TestMain with set-up or clean-up of
// its own around the tests:
//
//	func TestMain(m *testing.M) {
//		dir := setUp()
//		code := chtest.Run(m)
//		os.RemoveAll(dir)
//		os.Exit(code)
//	}
func Run(m *testing.M) int {
	code := m.Run()
	shared.mu.Lock()
	if shared.server != nil {
		if err := shared.server.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "chtest: stop shared clickhouse: %v\n", err)
		}
		shared.server = nil
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	shared.mu.Unlock()
	return code
}

// New returns a fresh, migrated database for t on the test server and drops
// it when t ends. It skips or fails t as RequireBinary does when there is no
// server.
func New(t testing.TB) *DB {
	t.Helper()
	return NewOn(t, serverAddr(t))
}

// NewOn is New on the server at addr, such as a Dedicated one.
func NewOn(t testing.TB, addr string) *DB {
	t.Helper()
	db := newEmptyOn(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if _, err := chschema.Migrate(ctx, db.Conn, chschema.Target{Database: db.Database}, db.Dialect, Logger(t).Level(zerolog.WarnLevel)); err != nil {
		t.Fatalf("chtest: migrate %s: %v", db.Database, err)
	}
	// The default database of a connection must exist when it connects, so
	// the bound connection is opened only now.
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol:     clickhouse.Native,
		Addr:         []string{db.Addr},
		Auth:         clickhouse.Auth{Database: db.Database},
		DialTimeout:  5 * time.Second,
		MaxOpenConns: 8,
	})
	if err != nil {
		t.Fatalf("chtest: connect %s/%s: %v", db.Addr, db.Database, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("chtest: ping %s/%s: %v", db.Addr, db.Database, err)
	}
	db.Conn = conn
	return db
}

// NewEmpty is New without the database: the name is reserved for t but
// neither the database nor any table exists yet, for tests of Migrate
// itself. Its Conn has the server's default database, so qualify names
// with Database. The database is dropped when t ends if it exists by then.
func NewEmpty(t testing.TB) *DB {
	t.Helper()
	return newEmptyOn(t, serverAddr(t))
}

func newEmptyOn(t testing.TB, addr string) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	name := databaseName(t.Name())
	conn, err := chfx.Open(ctx, chfx.Config{Addr: []string{addr}})
	if err != nil {
		t.Fatalf("chtest: connect %s: %v", addr, err)
	}
	// Registered first, so it runs after the cleanups of New.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("chtest: drop database %s: %v", name, err)
		}
		_ = conn.Close()
	})
	d, err := chschema.DetectDialect(ctx, conn)
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	return &DB{Conn: conn, Addr: addr, Database: name, Dialect: d}
}

// Dedicated starts a server of t's own in t.TempDir(), which t may Stop and
// Restart, and stops it when t ends; opts add configuration files or
// environment (chlocal.WithConfigFile, chlocal.WithUsersFile,
// chlocal.WithEnv). It needs a server binary even when CLICKHOUSE_TEST_ADDR
// is set, and skips or fails t like RequireBinary.
func Dedicated(t testing.TB, opts ...chlocal.Option) *chlocal.Server {
	t.Helper()
	requireServerBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	srv, err := chlocal.Start(ctx, t.TempDir(), Logger(t), opts...)
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("chtest: %v", err)
		}
	})
	return srv
}

// RequireBinary returns if CLICKHOUSE_TEST_ADDR is set or a server binary is
// installed. Otherwise it fails t when the CI variable is set, and skips it
// with a loud SKIPPED message everywhere else.
func RequireBinary(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvAddr) != "" {
		return
	}
	requireServerBinary(t)
}

func requireServerBinary(t testing.TB) {
	t.Helper()
	if _, _, err := chlocal.FindBinary(); err == nil {
		return
	}
	unavailable(t, "no ClickHouse server: set "+EnvAddr+"=host:port or install one "+
		"(`apt-get install -y clickhouse-server`, or the official packages from https://clickhouse.com/docs/install)")
}

// unavailable fails t when the CI variable is set, so that CI never looks
// green without having run it, and skips it loudly everywhere else; msg
// says what this machine lacks.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal("chtest: " + msg)
	}
	t.Skip("SKIPPED: " + msg + " — this test did NOT run")
}

// Count runs query, which must return one UInt64 (e.g. SELECT count() …),
// on db and returns it, failing t on error.
func Count(t testing.TB, db *DB, query string, args ...any) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var n uint64
	if err := db.Conn.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("chtest: %s: %v", query, err)
	}
	return n
}

// Logger returns a zerolog logger writing to t's log at info level.
func Logger(t testing.TB) zerolog.Logger {
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel).With().Timestamp().Logger()
}

// Client returns a started chfx.Client on db's database with the default
// settings, logging to Logger, and stops it when t ends. It fails t if the
// client does not start.
func Client(t testing.TB, db *DB) *chfx.Client {
	t.Helper()
	c := chfx.NewClient(chfx.Config{Addr: []string{db.Addr}, Database: db.Database}.WithDefaults(), Logger(t))
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("chtest: start client on %s/%s: %v", db.Addr, db.Database, err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	return c
}

// serverAddr returns CLICKHOUSE_TEST_ADDR or the shared local server's
// address, starting it on first use.
func serverAddr(t testing.TB) string {
	t.Helper()
	if addr := os.Getenv(EnvAddr); addr != "" {
		return addr
	}
	RequireBinary(t)
	shared.once.Do(func() {
		shared.mu.Lock()
		defer shared.mu.Unlock()
		dir, err := os.MkdirTemp("", "chtest-")
		if err != nil {
			shared.err = err
			return
		}
		shared.dir = dir
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		// Not t's logger: the server outlives t.
		log := zerolog.New(os.Stderr).Level(zerolog.WarnLevel).With().Timestamp().Logger()
		shared.server, shared.err = chlocal.Start(ctx, dir, log)
	})
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.err != nil {
		t.Fatalf("chtest: start shared clickhouse: %v", shared.err)
	}
	if shared.server == nil {
		t.Fatal("chtest: shared clickhouse was stopped (New called after Main's m.Run?)")
	}
	return shared.server.Addr()
}

var reNotIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// databaseName returns "t_<sanitised test name>_<random hex>", at most 63
// bytes, a valid unquoted identifier.
func databaseName(testName string) string {
	base := strings.Trim(reNotIdent.ReplaceAllString(strings.ToLower(testName), "_"), "_")
	if len(base) > 48 {
		base = base[:48]
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "t_" + base + "_" + hex.EncodeToString(b[:])
}
