package chlocal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// EnvZooKeeperClasspath names the variable holding the classpath of a
// ZooKeeper server (its jar, or jars joined by ":"), used instead of the
// Debian package's.
const EnvZooKeeperClasspath = "ZOOKEEPER_CLASSPATH"

// debianZooKeeper is the classpath of Debian's zookeeper package.
const debianZooKeeper = "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"

// FindZooKeeper locates java and the classpath of a ZooKeeper server:
// ZOOKEEPER_CLASSPATH if set, else that of Debian's zookeeper package. The
// error wraps ErrNoZooKeeper and says how to install one.
func FindZooKeeper() (java, classpath string, err error) {
	const hint = " (`apt-get install -y zookeeper`, or set " + EnvZooKeeperClasspath + " to a ZooKeeper server's classpath)"
	java, err = exec.LookPath("java")
	if err != nil {
		return "", "", fmt.Errorf("%w: no java%s", ErrNoZooKeeper, hint)
	}
	classpath = os.Getenv(EnvZooKeeperClasspath)
	if classpath == "" {
		classpath = debianZooKeeper
	}
	for _, p := range strings.Split(classpath, ":") {
		if strings.HasSuffix(p, ".jar") {
			if _, err := os.Stat(p); err != nil {
				return "", "", fmt.Errorf("%w: no jar at %s%s", ErrNoZooKeeper, p, hint)
			}
		}
	}
	return java, classpath, nil
}

// ZooKeeper is a standalone ZooKeeper server run as a child process on
// 127.0.0.1, with its configuration, data and log under one directory.
// ClickHouse 18.16 coordinates replicated tables and ON CLUSTER statements
// through ZooKeeper (ClickHouse Keeper came with 21.8), so a local cluster
// (StartCluster) needs one. Its methods are safe for concurrent use.
type ZooKeeper struct {
	dir  string
	addr string
	log  zerolog.Logger

	mu   sync.Mutex
	proc *process
}

// StartZooKeeper starts a ZooKeeper server (FindZooKeeper) on dir, listening
// on 127.0.0.1 and a free port, with its data in dir/data and its output in
// dir/zookeeper.log, and returns once it serves sessions. The process runs
// as Start's servers do. The error wraps ErrNoZooKeeper, ErrExited (with
// the tail of its log), ctx's error, or the file system's.
func StartZooKeeper(ctx context.Context, dir string, log zerolog.Logger) (*ZooKeeper, error) {
	java, classpath, err := FindZooKeeper()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("start local zookeeper: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start local zookeeper: pick a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cfg := fmt.Sprintf("tickTime=500\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\n"+
		"admin.enableServer=false\n4lw.commands.whitelist=srvr\nmaxSessionTimeout=60000\n",
		filepath.Join(dir, "data"), port)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("start local zookeeper: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zoo.cfg"), []byte(cfg), 0o644); err != nil {
		return nil, fmt.Errorf("start local zookeeper: %w", err)
	}
	z := &ZooKeeper{
		dir:  dir,
		addr: loopback(port),
		log:  log.With().Str("component", "zookeeper-local").Logger(),
	}
	if err := z.start(ctx, java, classpath); err != nil {
		return nil, err
	}
	return z, nil
}

func (z *ZooKeeper) start(ctx context.Context, java, classpath string) error {
	z.mu.Lock()
	defer z.mu.Unlock()
	start := time.Now()
	out, err := os.Create(z.logFile())
	if err != nil {
		return fmt.Errorf("start local zookeeper: %w", err)
	}
	defer func() { _ = out.Close() }() // the child has its own descriptor
	cmd := exec.Command(java, "-Xmx256m", "-cp", classpath,
		"org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(z.dir, "zoo.cfg"))
	cmd.Stdout, cmd.Stderr = out, out
	p, err := startProcess(cmd)
	if err != nil {
		return fmt.Errorf("start local zookeeper: %w", err)
	}
	z.proc = p
	if err := p.waitReady(ctx, z.serving); err != nil {
		p.kill()
		return fmt.Errorf("start local zookeeper: wait for %s: %w; log %s:\n%s", z.addr, err, z.logFile(), z.LogTail(2048))
	}
	z.log.Info().Str("addr", z.addr).Str("dir", z.dir).Int("pid", p.pid()).
		Dur("elapsed", time.Since(start)).Msg("local zookeeper started")
	return nil
}

// Addr returns the client address, 127.0.0.1:<port>.
func (z *ZooKeeper) Addr() string { return z.addr }

// LogTail returns the last limit bytes of the server's output
// (dir/zookeeper.log), empty if there is none, for failure reports.
func (z *ZooKeeper) LogTail(limit int64) string { return tail(z.logFile(), 0, limit) }

func (z *ZooKeeper) logFile() string { return filepath.Join(z.dir, "zookeeper.log") }

// Stop stops the server as Server.Stop does. Stopping a stopped server does
// nothing; the error is only returned when the process could not be
// signalled.
func (z *ZooKeeper) Stop() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	if err := z.proc.stop(z.log); err != nil {
		return fmt.Errorf("stop local zookeeper: %w", err)
	}
	return nil
}

// serving sends the four-letter command srvr, which a serving ZooKeeper
// answers with its version and mode. ("ruok" answers before the server
// serves sessions; a ClickHouse 18.16 server that fails its first session
// may crash later.)
func (z *ZooKeeper) serving(ctx context.Context) error {
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", z.addr)
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
