package chtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/carrywatch/carrywatch/pkg/backoff"
	"github.com/carrywatch/carrywatch/pkg/chfx"
)

// EnvZooKeeperJar names the variable holding the classpath of a ZooKeeper
// server (its jar, or jars joined by ":"), used instead of the Debian
// package's.
const EnvZooKeeperJar = "ZOOKEEPER_CLASSPATH"

// debianZooKeeper is the classpath of Debian's zookeeper package.
const debianZooKeeper = "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"

// ZooKeeper starts a standalone ZooKeeper server for t on 127.0.0.1 and a
// free port, stored in t.TempDir(), and returns its address; it is killed
// when t ends. ClickHouse 18.16 coordinates replicated tables and ON
// CLUSTER statements through ZooKeeper (ClickHouse Keeper came with 21.8).
// It needs java and ZooKeeper's classpath (EnvZooKeeperJar, else Debian's
// `zookeeper` package); without them it skips t loudly, or fails it when
// the CI variable is set.
func ZooKeeper(t testing.TB) string {
	t.Helper()
	java, classpath := zooKeeperInstall(t)
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("chtest: pick a port for zookeeper: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cfg := fmt.Sprintf("tickTime=500\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\n"+
		"admin.enableServer=false\n4lw.commands.whitelist=srvr\nmaxSessionTimeout=60000\n",
		filepath.Join(dir, "data"), port)
	if err := os.WriteFile(filepath.Join(dir, "zoo.cfg"), []byte(cfg), 0o644); err != nil {
		t.Fatalf("chtest: %v", err)
	}
	out, err := os.Create(filepath.Join(dir, "zookeeper.log"))
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	defer func() { _ = out.Close() }()
	cmd := exec.Command(java, "-Xmx256m", "-cp", classpath,
		"org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(dir, "zoo.cfg"))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("chtest: start zookeeper: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("chtest: zookeeper log:\n%s", tailFile(filepath.Join(dir, "zookeeper.log"), 4096))
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := waitZooKeeper(ctx, addr, exited); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "zookeeper.log"))
		t.Fatalf("chtest: zookeeper: %v\n%s", err, log)
	}
	return addr
}

func zooKeeperInstall(t testing.TB) (java, classpath string) {
	t.Helper()
	fail := func(msg string) {
		msg += " (`apt-get install -y zookeeper`, or set " + EnvZooKeeperJar + " to a ZooKeeper server's classpath)"
		if os.Getenv("CI") != "" {
			t.Fatal("chtest: " + msg)
		}
		t.Skip("SKIPPED: " + msg + " — this cluster test did NOT run")
	}
	java, err := exec.LookPath("java")
	if err != nil {
		fail("no java for ZooKeeper")
	}
	classpath = os.Getenv(EnvZooKeeperJar)
	if classpath == "" {
		classpath = debianZooKeeper
	}
	for _, p := range strings.Split(classpath, ":") {
		if strings.HasSuffix(p, ".jar") {
			if _, err := os.Stat(p); err != nil {
				fail("no ZooKeeper server at " + p)
			}
		}
	}
	return java, classpath
}

// waitZooKeeper asks addr "srvr" with backoff until it says it serves, the
// process exits, or ctx ends. ("ruok" answers before the server serves
// sessions; a ClickHouse 18.16 server that fails its first session may
// crash later.)
func waitZooKeeper(ctx context.Context, addr string, exited <-chan struct{}) error {
	retry := zooKeeperBackoff.Start(ctx, exited)
	var last error
	for {
		if last = serving(ctx, addr); last == nil {
			return nil
		}
		if !retry.Wait() {
			break
		}
	}
	if errors.Is(retry.Err(), backoff.ErrStopped) {
		return errors.New("exited before it served")
	}
	return fmt.Errorf("not serving at %s: %w (last: %v)", addr, retry.Err(), last)
}

// zooKeeperBackoff spaces waitZooKeeper's questions.
var zooKeeperBackoff = backoff.Policy{First: 50 * time.Millisecond, Max: 500 * time.Millisecond}

// serving sends the four-letter command srvr, which a serving ZooKeeper
// answers with its version and mode.
func serving(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte("srvr")); err != nil {
		return err
	}
	answer, _ := io.ReadAll(conn)
	if !bytes.Contains(answer, []byte("Mode: ")) {
		return fmt.Errorf("answered %q", answer)
	}
	return nil
}

// Cluster is a ClickHouse cluster of local servers for one test.
type Cluster struct {
	// Name is the cluster's name in every server's remote_servers.
	Name string
	// Shards lists the servers of each shard, replicas in order.
	Shards [][]*chfx.LocalServer
}

// Servers returns every server, shard by shard.
func (c *Cluster) Servers() []*chfx.LocalServer {
	var all []*chfx.LocalServer
	for _, s := range c.Shards {
		all = append(all, s...)
	}
	return all
}

// clusterConfig is each server's config.d file: the cluster of every
// server's native address, its own {shard} and {replica} macros, the
// ZooKeeper, and the ON CLUSTER queue. The root stays <yandex> for 18.16.
var clusterConfig = template.Must(template.New("cluster.xml").Parse(`<?xml version="1.0"?>
<yandex>
  <remote_servers>
    <{{.Name}}>
{{- range .Shards}}
      <shard>
        <internal_replication>true</internal_replication>
{{- range .}}
        <replica><host>{{.Host}}</host><port>{{.Port}}</port></replica>
{{- end}}
      </shard>
{{- end}}
    </{{.Name}}>
  </remote_servers>
  <zookeeper>
    <node><host>{{.ZKHost}}</host><port>{{.ZKPort}}</port></node>
    <session_timeout_ms>30000</session_timeout_ms>
  </zookeeper>
  <macros>
    <cluster>{{.Name}}</cluster>
    <shard>{{.Shard}}</shard>
    <replica>{{.Replica}}</replica>
  </macros>
  <distributed_ddl>
    <path>/clickhouse/task_queue/ddl</path>
  </distributed_ddl>
</yandex>
`))

type hostPort struct{ Host, Port string }

// NewCluster starts shards × replicas local servers forming cluster name,
// coordinated through zk (see ZooKeeper): each server's {shard} macro is
// its shard's index, its {replica} macro s<shard>r<replica>, and every
// shard replicates internally. The servers stop when t ends. It skips or
// fails t like Dedicated without a server binary.
func NewCluster(t testing.TB, zk, name string, shards, replicas int) *Cluster {
	t.Helper()
	requireServerBinary(t)
	zkHost, zkPort, err := net.SplitHostPort(zk)
	if err != nil {
		t.Fatalf("chtest: zookeeper address %q: %v", zk, err)
	}
	dirs := make([][]string, shards)
	addrs := make([][]hostPort, shards)
	for s := range shards {
		for r := range replicas {
			dir := filepath.Join(t.TempDir(), fmt.Sprintf("s%dr%d", s, r))
			addr, err := chfx.LocalAddr(dir)
			if err != nil {
				t.Fatalf("chtest: %v", err)
			}
			host, port, _ := net.SplitHostPort(addr)
			dirs[s] = append(dirs[s], dir)
			addrs[s] = append(addrs[s], hostPort{host, port})
		}
	}
	c := &Cluster{Name: name, Shards: make([][]*chfx.LocalServer, shards)}
	t.Cleanup(func() { c.stop(t) })
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	for s := range shards {
		for r := range replicas {
			var cfg bytes.Buffer
			if err := clusterConfig.Execute(&cfg, map[string]any{
				"Name": name, "Shards": addrs, "ZKHost": zkHost, "ZKPort": zkPort,
				"Shard": s, "Replica": fmt.Sprintf("s%dr%d", s, r),
			}); err != nil {
				t.Fatalf("chtest: %v", err)
			}
			srv, err := chfx.StartLocal(ctx, dirs[s][r], Logger(t), chfx.WithConfigFile("cluster.xml", cfg.Bytes()))
			if err != nil {
				t.Fatalf("chtest: start cluster server s%dr%d: %v", s, r, err)
			}
			c.Shards[s] = append(c.Shards[s], srv)
		}
	}
	return c
}

// stop stops every server at once (a replicated 18.16 server takes seconds
// to shut down), after logging their error logs if t failed.
func (c *Cluster) stop(t testing.TB) {
	var wg sync.WaitGroup
	for s, replicas := range c.Shards {
		for r, srv := range replicas {
			if t.Failed() {
				t.Logf("chtest: error log of s%dr%d:\n%s", s, r, tailFile(filepath.Join(srv.Dir(), "log", "clickhouse-server.err.log"), 4096))
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := srv.Stop(); err != nil {
					t.Errorf("chtest: %v", err)
				}
			}()
		}
	}
	wg.Wait()
}

// tailFile returns the last limit bytes of name, for failure reports.
func tailFile(name string, limit int64) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return err.Error()
	}
	if int64(len(b)) > limit {
		b = b[int64(len(b))-limit:]
	}
	return string(b)
}
