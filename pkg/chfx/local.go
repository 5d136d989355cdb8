package chfx

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
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// LocalServer is a ClickHouse server run as a child process on 127.0.0.1,
// with its config, data and logs under one directory. It is what
// `carrywatch up` and the tests use when no server is configured.
type LocalServer struct {
	dir   string
	bin   string
	args  []string
	ports localPorts
	opts  localOptions
	log   zerolog.Logger

	mu   sync.Mutex
	proc *serverProc
}

// serverProc is one run of the server process.
type serverProc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // cmd.Wait's result, set before done is closed
}

// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const StopTimeout = 30 * time.Second

// FindServerBinary locates a ClickHouse server: the file named by
// CW_CLICKHOUSE_BINARY if set; else the single `clickhouse`
// binary (run as `clickhouse server`) if present, else `clickhouse-server`,
// looking in PATH and then /usr/bin and /usr/sbin (often missing from a
// non-root PATH). The error wraps ErrNoServerBinary, whose message says how
// to install one.
func FindServerBinary() (path string, args []string, err error) {
	candidates := []struct {
		name string
		args []string
	}{
		{"clickhouse", []string{"server"}},
		{"clickhouse-server", nil},
	}
	if p := os.Getenv("CW_CLICKHOUSE_BINARY"); p != "" {
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return "", nil, fmt.Errorf("CW_CLICKHOUSE_BINARY=%s is not an executable file: %w", p, ErrNoServerBinary)
		}
		if filepath.Base(p) == "clickhouse" {
			return p, []string{"server"}, nil
		}
		return p, nil, nil
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c.name); err == nil {
			return p, c.args, nil
		}
		for _, d := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin"} {
			p := filepath.Join(d, c.name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
				return p, c.args, nil
			}
		}
	}
	return "", nil, ErrNoServerBinary
}

// LocalOption adds configuration to a server started by StartLocal.
type LocalOption func(*localOptions)

type localOptions struct {
	configFiles map[string][]byte // dir/config.d/<name>
	usersFiles  map[string][]byte // dir/users.d/<name>
	env         []string
	preferred   *localPorts
}

// WithPreferredPorts makes a server on a new dir listen on these native,
// HTTP and interserver ports, each one that is free (any free port stands
// in for one that is taken). A dir that has its ports keeps them.
func WithPreferredPorts(tcp, http, interserver int) LocalOption {
	return func(o *localOptions) { o.preferred = &localPorts{TCP: tcp, HTTP: http, Interserver: interserver} }
}

// WithConfigFile writes content to dir/config.d/name at every start; the
// server merges it into config.xml (files in name order). name must be a
// plain file name ending in .xml.
func WithConfigFile(name string, content []byte) LocalOption {
	return func(o *localOptions) { o.configFiles[name] = content }
}

// WithUsersFile writes content to dir/users.d/name at every start; the
// server merges it into users.xml, as it does with the users.d files of a
// packaged server. name must be a plain file name ending in .xml.
func WithUsersFile(name string, content []byte) LocalOption {
	return func(o *localOptions) { o.usersFiles[name] = content }
}

// WithEnv adds "KEY=value" entries to the server process's environment,
// for the from_env substitutions of its configuration files.
func WithEnv(env ...string) LocalOption {
	return func(o *localOptions) { o.env = append(o.env, env...) }
}

// StartLocal starts a server on dir: it writes dir/config.xml and
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
// ErrNoServerBinary, ErrServerExited (with the tail of the server's error
// log), ctx's error, or the file system's.
func StartLocal(ctx context.Context, dir string, log zerolog.Logger, opts ...LocalOption) (*LocalServer, error) {
	o := localOptions{configFiles: map[string][]byte{}, usersFiles: map[string][]byte{}}
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	bin, args, err := FindServerBinary()
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
	ports, err := loadOrPickPorts(dir, o.preferred)
	if err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	if err := writeServerConfig(dir, ports, o); err != nil {
		return nil, fmt.Errorf("start local clickhouse: %w", err)
	}
	s := &LocalServer{
		dir:   dir,
		bin:   bin,
		args:  args,
		ports: ports,
		opts:  o,
		log:   log.With().Str("component", "clickhouse-local").Logger(),
	}
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// LocalAddr returns the native address, 127.0.0.1:<tcp port>, of a local
// server on dir, picking and persisting its ports (dir/ports.json) if dir
// has none yet, as StartLocal would. It lets servers that name each other
// in their configuration, such as the nodes of a test cluster, be
// configured before any of them starts.
func LocalAddr(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	ports, err := loadOrPickPorts(dir, nil)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(ports.TCP)), nil
}

// Addr returns the native protocol address, 127.0.0.1:<tcp port>.
func (s *LocalServer) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.ports.TCP)) }

// HTTPAddr returns the HTTP interface address, 127.0.0.1:<http port>.
func (s *LocalServer) HTTPAddr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.ports.HTTP))
}

// Dir returns the server's directory.
func (s *LocalServer) Dir() string { return s.dir }

// Config returns a Config that connects to this server.
func (s *LocalServer) Config() Config { return Config{Addr: []string{s.Addr()}} }

func (s *LocalServer) start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		select {
		case <-s.proc.done:
		default:
			return nil // already running
		}
	}
	start := time.Now()
	console, err := os.OpenFile(filepath.Join(s.dir, "log", "console.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("start local clickhouse: %w", err)
	}
	defer func() { _ = console.Close() }() // the child has its own descriptor
	// Mark where this run's errors begin, for the tail reported on failure.
	errLog := filepath.Join(s.dir, "log", "clickhouse-server.err.log")
	offset := fileSize(errLog)

	args := append(append([]string{}, s.args...), "--config-file="+filepath.Join(s.dir, "config.xml"))
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), s.opts.env...)
	cmd.Stdout = console
	cmd.Stderr = console
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start local clickhouse %s: %w", s.bin, err)
	}
	p := &serverProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	s.proc = p

	if err := waitReady(ctx, s.Addr(), p.done); err != nil {
		if errors.Is(err, ErrServerExited) {
			return fmt.Errorf("start local clickhouse: %w (%v); %s", err, p.err, tailSince(errLog, offset, filepath.Join(s.dir, "log", "console.log")))
		}
		s.kill(p)
		return fmt.Errorf("start local clickhouse: %w", err)
	}
	s.log.Info().Str("addr", s.Addr()).Str("http_addr", s.HTTPAddr()).Str("dir", s.dir).
		Int("pid", cmd.Process.Pid).Dur("elapsed", time.Since(start)).Msg("local clickhouse started")
	return nil
}

// Stop sends SIGTERM to the server's process group, waits up to StopTimeout
// for it to exit, then sends SIGKILL. Stopping a stopped server does
// nothing. The error is only returned when the process could not be
// signalled.
func (s *LocalServer) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return nil
	default:
	}
	pid := p.cmd.Process.Pid
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop local clickhouse: %w", err)
	}
	t := time.NewTimer(StopTimeout)
	defer t.Stop()
	select {
	case <-p.done:
		s.log.Info().Int("pid", pid).Msg("local clickhouse stopped")
		return nil
	case <-t.C:
	}
	s.log.Warn().Int("pid", pid).Dur("timeout", StopTimeout).Msg("local clickhouse ignored SIGTERM; killing it")
	s.kill(p)
	return nil
}

// Restart stops the server if it runs and starts it again on the same
// directory and ports. Errors are those of Stop and StartLocal.
func (s *LocalServer) Restart(ctx context.Context) error {
	if err := s.Stop(); err != nil {
		return err
	}
	if err := writeServerConfig(s.dir, s.ports, s.opts); err != nil {
		return fmt.Errorf("restart local clickhouse: %w", err)
	}
	return s.start(ctx)
}

// kill sends SIGKILL to the process group and waits for the process.
func (s *LocalServer) kill(p *serverProc) {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}
