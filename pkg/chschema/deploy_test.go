package chschema_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chlocal"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// The deploy configuration files under test, relative to deploy/clickhouse.
const (
	usersFile = "users.d/carrywatch.xml"
	prodFile  = "users.d/prod.xml"
)

// Server error codes the user tests expect.
const (
	codeReadonly = 164 // READONLY
	// Reading a database outside allow_databases: DATABASE_ACCESS_DENIED
	// on 18.16, ACCESS_DENIED on current servers.
	codeDatabaseAccessDenied = 291
	codeAccessDenied         = 497
	// A refused login: the password (18.16: WRONG_PASSWORD, REQUIRED_PASSWORD),
	// or the client's address (IP_ADDRESS_NOT_ALLOWED), or, on current
	// servers, AUTHENTICATION_FAILED for all of them.
	codeWrongPassword        = 193
	codeRequiredPassword     = 194
	codeIPAddressNotAllowed  = 195
	codeAuthenticationFailed = 516
	codeTooManyRows          = 396 // TOO_MANY_ROWS_OR_BYTES
)

var refusedLogin = []int32{codeWrongPassword, codeRequiredPassword, codeIPAddressNotAllowed, codeAuthenticationFailed}

// deployFile reads deploy/clickhouse/<rel>.
func deployFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "clickhouse", filepath.FromSlash(rel)))
	require.NoError(t, err)
	return b
}

// Servers older than this predate the deploy files' form: the <clickhouse>
// root element (they want <yandex>) and settings constraints with
// changeable_in_readonly.
var minDeployVersion = chschema.Version{Major: 23, Minor: 1}

var reConstraints = regexp.MustCompile(`(?s)\s*<constraints>.*?</constraints>`)

// forServer adapts a deploy configuration file, written for the servers of
// the deployment (ClickHouse 25.8), to a test server of version v: as is for
// a current server; for an older one such as 18.16 with the <yandex> root
// element and without settings constraints, which it does not know (it
// would refuse the profile). Everything else, from_env included, is taken
// as written.
func forServer(content []byte, v chschema.Version) []byte {
	if v.AtLeast(minDeployVersion) {
		return content
	}
	s := strings.ReplaceAll(string(content), "<clickhouse>", "<yandex>")
	s = strings.ReplaceAll(s, "</clickhouse>", "</yandex>")
	return []byte(reConstraints.ReplaceAllString(s, ""))
}

// localVersion returns the version of the local server binary the tests
// start, by starting it once on dir.
func localVersion(t *testing.T, dir string) chschema.Version {
	t.Helper()
	chtest.RequireBinary(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	srv, err := chlocal.Start(ctx, dir, chtest.Logger(t))
	require.NoError(t, err)
	defer func() { require.NoError(t, srv.Stop()) }()
	conn, err := chfx.Open(ctx, chfx.Config{Addr: []string{srv.Addr()}})
	require.NoError(t, err)
	defer conn.Close()
	d, err := chschema.DetectDialect(ctx, conn)
	require.NoError(t, err)
	return d.Version
}

// deployServer starts a server of t's own that merges the deploy users
// files named (relative to deploy/clickhouse), adapted to its version, with
// env set, and returns it with its version.
func deployServer(t *testing.T, env []string, users ...string) (*chlocal.Server, chschema.Version) {
	t.Helper()
	dir := t.TempDir()
	v := localVersion(t, dir)
	opts := []chlocal.Option{chlocal.WithEnv(env...)}
	for _, rel := range users {
		opts = append(opts, chlocal.WithUsersFile(filepath.Base(rel), forServer(deployFile(t, rel), v)))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	srv, err := chlocal.Start(ctx, dir, chtest.Logger(t), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Stop()) })
	t.Logf("ClickHouse %s with %s", v, strings.Join(users, ", "))
	return srv, v
}

func randomPassword(t *testing.T) string {
	t.Helper()
	var b [12]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return hex.EncodeToString(b[:])
}

// openAs logs in to srv as user. dial, if set, replaces the dialer (to
// connect from another local address).
func openAs(ctx context.Context, srv *chlocal.Server, user, password string, dial func(context.Context, string) (net.Conn, error)) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol:     clickhouse.Native,
		Addr:         []string{srv.Addr()},
		Auth:         clickhouse.Auth{Username: user, Password: password},
		DialContext:  dial,
		DialTimeout:  5 * time.Second,
		MaxOpenConns: 2,
	})
	if err != nil {
		return nil, err
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return conn, nil
}

func mustOpenAs(t *testing.T, srv *chlocal.Server, user, password string) driver.Conn {
	t.Helper()
	conn, err := openAs(t.Context(), srv, user, password, nil)
	require.NoError(t, err, "log in as %s", user)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// requireCode asserts that err is a server exception with one of codes.
func requireCode(t *testing.T, err error, codes []int32, msgAndArgs ...any) {
	t.Helper()
	var ex *clickhouse.Exception
	require.True(t, errors.As(err, &ex), "want a server exception with code %v, got %v: %v", codes, err, msgAndArgs)
	assert.Contains(t, codes, ex.Code, "exception %d %s: %v", ex.Code, ex.Message, msgAndArgs)
}

// TestDeployUsers runs deploy/clickhouse/users.d/carrywatch.xml on a real
// server: the sink migrates and inserts; the analyst reads every table and
// view the migrations create and nothing else, and every statement that
// would change anything is refused as readonly.
func TestDeployUsers(t *testing.T) {
	sinkPW, analystPW := randomPassword(t), randomPassword(t)
	srv, v := deployServer(t, []string{
		"CW_CLICKHOUSE_SINK_PASSWORD=" + sinkPW,
		"CW_CLICKHOUSE_ANALYST_PASSWORD=" + analystPW,
	}, usersFile)
	ctx := t.Context()
	const db = "carrywatch"

	// The sink migrates and writes.
	sink := mustOpenAs(t, srv, "sink", sinkPW)
	d, err := chschema.DetectDialect(ctx, sink)
	require.NoError(t, err)
	target := chschema.Target{Database: db}
	applied, err := chschema.Migrate(ctx, sink, target, d, chtest.Logger(t))
	require.NoError(t, err)
	migs, err := chschema.Render(d, target)
	require.NoError(t, err)
	require.Len(t, applied, len(migs))
	for _, f := range append(fixtures(), marketHistory()...) {
		b, err := sink.PrepareBatch(ctx, "INSERT INTO "+db+"."+f.table+" ("+quotedCols(f.cols)+")")
		require.NoError(t, err, f.table)
		require.NoError(t, b.Append(f.vals(d)...), f.table)
		require.NoError(t, b.Send(), f.table)
	}

	// Something outside the carrywatch database, made by default (the
	// password-less user of the test server's own users.xml).
	admin := mustOpenAs(t, srv, "default", "")
	require.NoError(t, admin.Exec(ctx, "CREATE DATABASE IF NOT EXISTS other"))
	require.NoError(t, admin.Exec(ctx, "CREATE TABLE other.secret (a UInt8) ENGINE = TinyLog"))
	require.NoError(t, admin.Exec(ctx, "INSERT INTO other.secret SELECT 1"))

	for _, user := range []struct{ name, password string }{{"sink", sinkPW}, {"analyst", analystPW}} {
		_, err := openAs(ctx, srv, user.name, "", nil)
		requireCode(t, err, refusedLogin, user.name+" without its password")
		_, err = openAs(ctx, srv, user.name, "wrong", nil)
		requireCode(t, err, refusedLogin, user.name+" with a wrong password")
	}
	requireCode(t, sink.Exec(ctx, "SELECT a FROM other.secret"), []int32{codeDatabaseAccessDenied, codeAccessDenied}, "sink reads other.secret")

	analyst := mustOpenAs(t, srv, "analyst", analystPW)

	t.Run("reads every table and view", func(t *testing.T) {
		rows, err := analyst.Query(ctx, "SELECT name FROM system.tables WHERE database = ? ORDER BY name", db)
		require.NoError(t, err)
		var names []string
		for rows.Next() {
			var name string
			require.NoError(t, rows.Scan(&name))
			names = append(names, name)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		require.Len(t, names, objectCount(migs), "tables and views the analyst sees: %v", names)
		for _, name := range names {
			var n uint64
			require.NoError(t, analyst.QueryRow(ctx, "SELECT count() FROM "+db+"."+name).Scan(&n), name)
			if name == chschema.MigrationsTable {
				assert.Equal(t, uint64(len(migs)), n, name)
			} else {
				assert.Positive(t, n, "%s is empty", name)
			}
		}
	})

	t.Run("changes nothing", func(t *testing.T) {
		for _, stmt := range []string{
			"INSERT INTO " + db + ".jgb_yields SELECT * FROM " + db + ".jgb_yields",
			"ALTER TABLE " + db + ".jgb_yields ADD COLUMN x UInt8",
			"ALTER TABLE " + db + ".jgb_yields DELETE WHERE 1",
			"DROP TABLE " + db + ".jgb_yields",
			"DROP DATABASE " + db,
			"CREATE TABLE " + db + ".x (a UInt8) ENGINE = Memory",
			"CREATE VIEW " + db + ".v_x AS SELECT 1",
			"CREATE DATABASE x",
			"RENAME TABLE " + db + ".jgb_yields TO " + db + ".y",
			"TRUNCATE TABLE " + db + ".jgb_yields",
			"OPTIMIZE TABLE " + db + ".jgb_yields FINAL",
			"SET max_memory_usage = 1",
		} {
			requireCode(t, analyst.Exec(ctx, stmt), []int32{codeReadonly}, stmt)
		}
		var n uint64
		require.NoError(t, sink.QueryRow(ctx, "SELECT count() FROM "+db+".jgb_yields").Scan(&n))
		assert.Equal(t, uint64(2), n, "jgb_yields unchanged: the fixture and marketHistory's 2Y")
	})

	t.Run("stays in its database and limits", func(t *testing.T) {
		requireCode(t, analyst.Exec(ctx, "SELECT a FROM other.secret"), []int32{codeDatabaseAccessDenied, codeAccessDenied})
		settings := map[string]string{}
		rows, err := analyst.Query(ctx, "SELECT name, value FROM system.settings WHERE name IN ('readonly', 'max_result_rows', 'max_execution_time')")
		require.NoError(t, err)
		for rows.Next() {
			var name, value string
			require.NoError(t, rows.Scan(&name, &value))
			settings[name] = value
		}
		require.NoError(t, rows.Err())
		rows.Close()
		assert.Equal(t, map[string]string{"readonly": "1", "max_result_rows": "1000000", "max_execution_time": "60"}, settings)
		rows, err = analyst.Query(ctx, "SELECT arrayJoin(range(1000001)) AS n")
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		requireCode(t, err, []int32{codeTooManyRows}, "a result over max_result_rows")
	})

	t.Run("Grafana may set its query timeout", func(t *testing.T) {
		if !v.AtLeast(minDeployVersion) {
			t.Logf("ClickHouse %s has no changeable_in_readonly constraints (removed from its copy of %s); checked on current servers", v, usersFile)
			return
		}
		var n uint8
		require.NoError(t, analyst.QueryRow(clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_execution_time": 30})), "SELECT 1").Scan(&n))
		err := analyst.QueryRow(clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_execution_time": 3600})), "SELECT 1").Scan(&n)
		require.Error(t, err, "max_execution_time above the constraint's max")
	})
}

// xmlNode is a generic XML tree, for checking the deploy files' shape.
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []xmlNode  `xml:",any"`
}

func parseXML(t *testing.T, b []byte) xmlNode {
	t.Helper()
	var n xmlNode
	require.NoError(t, xml.Unmarshal(b, &n))
	return n
}

// child returns the first child named name, or nil.
func (n xmlNode) child(name string) *xmlNode {
	for i := range n.Children {
		if n.Children[i].XMLName.Local == name {
			return &n.Children[i]
		}
	}
	return nil
}

// path follows child names from n; nil if one is missing.
func (n xmlNode) path(names ...string) *xmlNode {
	cur := &n
	for _, name := range names {
		if cur = cur.child(name); cur == nil {
			return nil
		}
	}
	return cur
}

func (n xmlNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// TestDeployFilesHaveNoPasswordlessUser reads every users file: each user
// takes its password from the server's environment, none is password-less
// or has a password written in the file, and prod.xml confines default to
// the server itself.
func TestDeployFilesHaveNoPasswordlessUser(t *testing.T) {
	wantEnv := map[string]string{
		usersFile + ":sink":    "CW_CLICKHOUSE_SINK_PASSWORD",
		usersFile + ":analyst": "CW_CLICKHOUSE_ANALYST_PASSWORD",
		prodFile + ":default":  "CW_CLICKHOUSE_DEFAULT_PASSWORD",
	}
	for _, rel := range []string{usersFile, prodFile} {
		root := parseXML(t, deployFile(t, rel))
		assert.Equal(t, "clickhouse", root.XMLName.Local, rel)
		users := root.child("users")
		require.NotNil(t, users, rel)
		for _, u := range users.Children {
			key := rel + ":" + u.XMLName.Local
			assert.Nil(t, u.child("no_password"), key)
			pw := u.child("password")
			require.NotNil(t, pw, "%s has no password element", key)
			assert.Equal(t, wantEnv[key], pw.attr("from_env"), key)
			assert.Empty(t, strings.TrimSpace(pw.Text), "%s has a password in the file", key)
			delete(wantEnv, key)
		}
	}
	assert.Empty(t, wantEnv, "users missing")

	def := parseXML(t, deployFile(t, prodFile)).path("users", "default")
	require.NotNil(t, def)
	networks := def.child("networks")
	require.NotNil(t, networks)
	assert.Equal(t, "replace", networks.attr("replace"), "default's networks replace the packaged ::/0")
	require.NotEmpty(t, networks.Children)
	for _, n := range networks.Children {
		require.Equal(t, "ip", n.XMLName.Local)
		ip := net.ParseIP(strings.TrimSpace(n.Text))
		require.NotNil(t, ip, "default's network %q is not one address", n.Text)
		assert.True(t, ip.IsLoopback(), "default reachable from %s", ip)
	}
}

// TestDeployProdDefaultUser runs users.d/carrywatch.xml and prod.xml on a
// real server: default without its password is refused, and with it is
// accepted from the server's own address only; sink and analyst work as
// before.
func TestDeployProdDefaultUser(t *testing.T) {
	sinkPW, analystPW, defaultPW := randomPassword(t), randomPassword(t), randomPassword(t)
	srv, _ := deployServer(t, []string{
		"CW_CLICKHOUSE_SINK_PASSWORD=" + sinkPW,
		"CW_CLICKHOUSE_ANALYST_PASSWORD=" + analystPW,
		"CW_CLICKHOUSE_DEFAULT_PASSWORD=" + defaultPW,
	}, usersFile, prodFile)
	ctx := t.Context()

	_, err := openAs(ctx, srv, "default", "", nil)
	requireCode(t, err, refusedLogin, "password-less default")
	_, err = openAs(ctx, srv, "default", "wrong", nil)
	requireCode(t, err, refusedLogin, "default with a wrong password")
	mustOpenAs(t, srv, "default", defaultPW)
	mustOpenAs(t, srv, "sink", sinkPW)
	mustOpenAs(t, srv, "analyst", analystPW)

	// From 127.0.0.2 (loopback, but not the server's own address in
	// default's networks) default is refused even with its password, and
	// the other users are not.
	fromOther := func(ctx context.Context, addr string) (net.Conn, error) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
		return d.DialContext(ctx, "tcp", addr)
	}
	_, err = openAs(ctx, srv, "default", defaultPW, fromOther)
	requireCode(t, err, refusedLogin, "default from 127.0.0.2")
	conn, err := openAs(ctx, srv, "analyst", analystPW, fromOther)
	require.NoError(t, err, "analyst from 127.0.0.2")
	require.NoError(t, conn.Close())
}

// TestDeployConfigOnCurrentClickHouse loads the deploy configuration into
// current ClickHouse (chdb reads config.xml from its working directory, and
// the users file it names): cluster.xml's cluster is the contract's 2 × 2
// hosts and its macros come from the environment; users.d/carrywatch.xml's
// users, profiles and quota parse, setting names included.
func TestDeployConfigOnCurrentClickHouse(t *testing.T) {
	t.Run("cluster.xml", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "config.xml"), deployFile(t, "config.d/cluster.xml"), 0o644))
		res, err := chdbRun(t, dir, []string{"CLICKHOUSE_SHARD=1", "CLICKHOUSE_REPLICA=clickhouse-s1-0", "CW_CLICKHOUSE_INTERSERVER_SECRET=s"}, []string{
			"SELECT shard_num, replica_num, host_name, port FROM system.clusters WHERE cluster = 'carrywatch' ORDER BY shard_num, replica_num",
			"SELECT getMacro('cluster') AS c, getMacro('shard') AS s, getMacro('replica') AS r",
		})
		require.NoError(t, err)
		var hosts []string
		for _, r := range res[0].Rows {
			hosts = append(hosts, fmt.Sprintf("%v/%v %v:%v", r["shard_num"], r["replica_num"], r["host_name"], r["port"]))
		}
		assert.Equal(t, []string{
			"1/1 clickhouse-s0-0.clickhouse-s0:9000", "1/2 clickhouse-s0-1.clickhouse-s0:9000",
			"2/1 clickhouse-s1-0.clickhouse-s1:9000", "2/2 clickhouse-s1-1.clickhouse-s1:9000",
		}, hosts)
		assert.Equal(t, map[string]any{"c": "carrywatch", "s": "1", "r": "clickhouse-s1-0"}, res[1].Rows[0])
	})

	t.Run("users.d/carrywatch.xml", func(t *testing.T) {
		// A server of its own with this users file; default may inspect it.
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "config.xml"), []byte(
			"<clickhouse><users_config>users.xml</users_config></clickhouse>\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "users.xml"), []byte(`<clickhouse>
  <profiles><default/></profiles>
  <users><default><password/><networks><ip>::/0</ip></networks><profile>default</profile>
    <quota>default</quota><access_management>1</access_management></default></users>
  <quotas><default/></quotas>
</clickhouse>
`), 0o644))
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "users.d"), 0o755))
		users := deployFile(t, usersFile)
		env := []string{"CW_CLICKHOUSE_SINK_PASSWORD=a", "CW_CLICKHOUSE_ANALYST_PASSWORD=b"}
		query := []string{
			"SELECT name, auth_type FROM system.users ORDER BY name",
			"SELECT profile_name, setting_name, value FROM system.settings_profile_elements WHERE setting_name IS NOT NULL AND profile_name LIKE 'carrywatch%' ORDER BY profile_name, index",
			"SELECT name, durations FROM system.quotas WHERE name = 'carrywatch_analyst'",
		}

		// chdb (clickhouse-local) does not apply the server's
		// access_control_improvements, so it refuses changeable_in_readonly,
		// which proves it read the constraint as one; servers take it
		// (cluster.xml and single.xml enable it, and it is their default).
		require.NoError(t, os.WriteFile(filepath.Join(dir, "users.d", "carrywatch.xml"), users, 0o644))
		_, err := chdbRun(t, dir, env, query)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "changeable_in_readonly for max_execution_time is not allowed unless settings_constraints_replace_previous is enabled")

		require.NoError(t, os.WriteFile(filepath.Join(dir, "users.d", "carrywatch.xml"), reConstraints.ReplaceAll(users, nil), 0o644))
		res, err := chdbRun(t, dir, env, query)
		require.NoError(t, err)
		assert.Equal(t, []map[string]any{
			{"name": "analyst", "auth_type": []any{"plaintext_password"}},
			{"name": "default", "auth_type": []any{"plaintext_password"}},
			{"name": "sink", "auth_type": []any{"plaintext_password"}},
		}, res[0].Rows)
		settings := map[string]string{}
		for _, r := range res[1].Rows {
			settings[r["profile_name"].(string)+"."+r["setting_name"].(string)] = r["value"].(string)
		}
		assert.Equal(t, "1", settings["carrywatch_analyst.readonly"])
		assert.Equal(t, "60", settings["carrywatch_analyst.max_execution_time"])
		assert.Equal(t, "1", settings["carrywatch_writer.insert_distributed_sync"])
		require.Len(t, res[2].Rows, 1)
		assert.Equal(t, []any{float64(3600)}, res[2].Rows[0]["durations"])
	})
}

// TestDeployKeeperMatchesServers: the three keepers of keeper/keeper.xml
// (raft ids 1..3 from KEEPER_SERVER_ID, hosts clickhouse-keeper-N) are the
// ones cluster.xml's servers use, on the client port, and every shard of
// the cluster replicates internally.
func TestDeployKeeperMatchesServers(t *testing.T) {
	keeper := parseXML(t, deployFile(t, "keeper/keeper.xml")).child("keeper_server")
	require.NotNil(t, keeper)
	assert.Equal(t, "9181", strings.TrimSpace(keeper.child("tcp_port").Text))
	assert.Equal(t, "KEEPER_SERVER_ID", keeper.child("server_id").attr("from_env"))
	raft := keeper.child("raft_configuration")
	require.NotNil(t, raft)
	var peers []string
	for _, s := range raft.Children {
		peers = append(peers, strings.TrimSpace(s.child("id").Text)+" "+strings.TrimSpace(s.child("hostname").Text)+":"+strings.TrimSpace(s.child("port").Text))
	}
	assert.Equal(t, []string{
		"1 clickhouse-keeper-0.clickhouse-keeper:9234",
		"2 clickhouse-keeper-1.clickhouse-keeper:9234",
		"3 clickhouse-keeper-2.clickhouse-keeper:9234",
	}, peers)

	cluster := parseXML(t, deployFile(t, "config.d/cluster.xml"))
	zk := cluster.child("zookeeper")
	require.NotNil(t, zk)
	var nodes []string
	for _, n := range zk.Children {
		if n.XMLName.Local == "node" {
			nodes = append(nodes, strings.TrimSpace(n.child("host").Text)+":"+strings.TrimSpace(n.child("port").Text))
		}
	}
	assert.Equal(t, []string{
		"clickhouse-keeper-0.clickhouse-keeper:9181",
		"clickhouse-keeper-1.clickhouse-keeper:9181",
		"clickhouse-keeper-2.clickhouse-keeper:9181",
	}, nodes)
	require.NotNil(t, cluster.path("distributed_ddl", "path"), "the ON CLUSTER queue (18.16-era servers start no DDL worker without it)")
	shards := cluster.path("remote_servers", "carrywatch")
	require.NotNil(t, shards)
	n := 0
	for _, s := range shards.Children {
		if s.XMLName.Local == "shard" {
			n++
			assert.Equal(t, "true", strings.TrimSpace(s.child("internal_replication").Text))
		}
	}
	assert.Equal(t, 2, n, "shards")
	assert.Equal(t, "CLICKHOUSE_SHARD", cluster.path("macros", "shard").attr("from_env"))
	assert.Equal(t, "CLICKHOUSE_REPLICA", cluster.path("macros", "replica").attr("from_env"))
}
