package chlocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/rs/zerolog"
)

// Server is a ClickHouse server run as a child process on 127.0.0.1, with
// its config, data and logs under one directory. It is what
// `carrywatch up` and the tests use when no server is configured. Its
// methods are safe for concurrent use.
type Server struct {
	dir   string
	bin   string
	args  []string
	ports ports
	opts  options
	log   zerolog.Logger

	mu   sync.Mutex
	proc *process
}

// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const StopTimeout = 30 * time.Second

// Start starts a server on dir: it writes dir/config.xml and
// dir/users.xml (listening on 127.0.0.1 only, user default without
// password, timezone UTC, a small mark cache) and the files of opts, keeps
// data in dir/data and logs in dir/log, and picks free TCP, HTTP and
// interserver ports on the first start, persisted in dir/ports.json so that
// a later start on the same dir reuses them. It returns once the server
// answers on its native port (a refused login counts as an answer, so opts
// may lock the default user).
//
// The process runs in its own process group and is sent SIGKILL if the
// parent dies, so a crashed parent never leaves it running. The error wraps
// ErrNoBinary, ErrExited (with the tail of the server's error log), ctx's
// error, or the file system's.
func Start(ctx context.Context, dir string, log zerolog.Logger, opts ...Option) (*Server, error) {
	o := options{configFiles: map[string][]byte{}, usersFiles: map[string][]byte{}}
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	bin, args, err := FindBinary()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	for _, sub := range []string{"data", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("start local clickhouse: %w", err)
		}
	}
	p, err := loadOrPickPorts(dir, o.preferred)
	if err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	if err := writeServerConfig(dir, p, o); err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	s := &Server{
		dir:   dir,
		bin:   bin,
		args:  args,
		ports: p,
		opts:  o,
		log:   log.With().Str("component", "clickhouse-local").Logger(),
	}
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// AddrFor returns the native address, 127.0.0.1:<tcp port>, of a server on
// dir, picking and persisting its ports (dir/ports.json) if dir has none
// yet, as Start would. It lets servers that name each other in their
// configuration, such as the nodes of a cluster, be configured before any
// of them starts. The error is the file system's.
func AddrFor(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p, err := loadOrPickPorts(dir, nil)
	if err != nil {
		return "", err
	}
	return loopback(p.TCP), nil
}

// Addr returns the native protocol address, 127.0.0.1:<tcp port>.
func (s *Server) Addr() string { return loopback(s.ports.TCP) }

// HTTPAddr returns the HTTP interface address, 127.0.0.1:<http port>.
func (s *Server) HTTPAddr() string { return loopback(s.ports.HTTP) }

// Dir returns the server's directory.
func (s *Server) Dir() string { return s.dir }

// ErrorLogTail returns the last limit bytes of the server's error log
// (dir/log/clickhouse-server.err.log), empty if there is none, for failure
// reports.
func (s *Server) ErrorLogTail(limit int64) string { return tail(s.errorLog(), 0, limit) }

func (s *Server) errorLog() string { return filepath.Join(s.dir, "log", "clickhouse-server.err.log") }

func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

func (s *Server) start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil && !s.proc.exited() {
		return nil // already running
	}
	start := time.Now()
	consoleLog := filepath.Join(s.dir, "log", "console.log")
	console, err := os.OpenFile(consoleLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("start local clickhouse: %w", err)
	}
	defer func() { _ = console.Close() }() // the child has its own descriptor
	// Mark where this run's errors begin, for the tail reported on failure.
	offset := fileSize(s.errorLog())

	args := append(append([]string{}, s.args...), "--config-file="+filepath.Join(s.dir, "config.xml"))
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), s.opts.env...)
	cmd.Stdout = console
	cmd.Stderr = console
	p, err := startProcess(cmd)
	if err != nil {
		return fmt.Errorf("start local clickhouse %s: %w", s.bin, err)
	}
	s.proc = p

	if err := p.waitReady(ctx, s.answers); err != nil {
		if errors.Is(err, ErrExited) {
			return fmt.Errorf("start local clickhouse: %w (%v); %s", err, p.err, tailSince(s.errorLog(), offset, consoleLog))
		}
		p.kill()
		return fmt.Errorf("start local clickhouse: wait for %s: %w", s.Addr(), err)
	}
	s.log.Info().Str("addr", s.Addr()).Str("http_addr", s.HTTPAddr()).Str("dir", s.dir).
		Int("pid", p.pid()).Dur("elapsed", time.Since(start)).Msg("local clickhouse started")
	return nil
}

// answers pings the server once; a server error, such as a refused login,
// is an answer.
func (s *Server) answers(ctx context.Context) error {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol:     clickhouse.Native,
		Addr:         []string{s.Addr()},
		DialTimeout:  time.Second,
		MaxOpenConns: 1,
		MaxIdleConns: 1,
	})
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var ex *clickhouse.Exception
	if err := conn.Ping(pctx); err != nil && !errors.As(err, &ex) {
		return err
	}
	return nil
}

// Stop sends SIGTERM to the server's process group, waits up to StopTimeout
// for it to exit, then sends SIGKILL. Stopping a stopped server does
// nothing. The error is only returned when the process could not be
// signalled.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.proc.stop(s.log); err != nil {
		return fmt.Errorf("stop local clickhouse: %w", err)
	}
	return nil
}

// Restart stops the server if it runs and starts it again on the same
// directory and ports. Errors are those of Stop and Start.
func (s *Server) Restart(ctx context.Context) error {
	if err := s.Stop(); err != nil {
		return err
	}
	if err := writeServerConfig(s.dir, s.ports, s.opts); err != nil {
		return fmt.Errorf("restart local clickhouse: %w", err)
	}
	return s.start(ctx)
}
