package fault_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
)

// procTimeout bounds a child's start (until its ops endpoint listens) and
// its graceful stop.
const procTimeout = 60 * time.Second

// proc is a service binary running as a child process: its JSON log goes
// to a file, its ops endpoint (/readyz, /metrics) is found in that log.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	ops     string // host:port of /healthz, /readyz, /metrics
	exited  chan struct{}
	err     error // cmd.Wait's result, set before exited is closed
}

// startProc runs bin with env (on top of PATH and HOME only, so no CW_*
// variable of the caller leaks in) and CW_HTTP_ADDR on a free port, and
// returns once its ops endpoint listens. The process is killed when the
// test ends if it still runs; its log is printed if the test failed, and a
// data race it reported fails the test.
func startProc(t *testing.T, name, bin string, env ...string) *proc {
	t.Helper()
	p := &proc{name: name, logPath: filepath.Join(t.TempDir(), name+".log"), exited: make(chan struct{})}
	logFile, err := os.Create(p.logPath)
	require.NoError(t, err)
	pr, pw, err := os.Pipe()
	require.NoError(t, err)

	p.cmd = exec.Command(bin)
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"CW_HTTP_ADDR=127.0.0.1:0", "CW_WEB_ADDR=127.0.0.1:0", "CW_LOG_LEVEL=info"}, env...)
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	// Its own process group, and SIGKILL if the test binary dies first.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		_ = pr.Close()
		_ = pw.Close()
		_ = logFile.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	_ = pw.Close() // the child has its own

	opsAddr := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		defer func() { _ = logFile.Close() }()
		defer func() { _ = pr.Close() }()
		scanOps(pr, logFile, opsAddr)
	}()
	go func() {
		p.err = p.cmd.Wait()
		<-scanned // the log is complete once the pipe is drained
		close(p.exited)
	}()
	t.Cleanup(func() { p.cleanup(t) })

	select {
	case p.ops = <-opsAddr:
	case <-p.exited:
		t.Fatalf("%s exited before its ops endpoint listened: %v\n%s", name, p.err, p.logTail())
	case <-time.After(procTimeout):
		t.Fatalf("%s: ops endpoint not listening after %s\n%s", name, procTimeout, p.logTail())
	}
	return p
}

// scanOps copies the child's output r to log until r ends, and sends the
// address of its "ops endpoint listening" line.
func scanOps(r io.Reader, log io.Writer, addr chan<- string) {
	sc := bufio.NewScanner(io.TeeReader(r, log))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var line struct {
			Message string `json:"message"`
			Addr    string `json:"addr"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "ops endpoint listening" {
			select {
			case addr <- line.Addr:
			default:
			}
		}
	}
	// A line too long to scan: keep copying, so the child never blocks.
	_, _ = io.Copy(log, r)
}

// cleanup kills the process if it still runs, then reports a data race
// in its log as a failure, and the log's tail if the test failed.
func (p *proc) cleanup(t *testing.T) {
	select {
	case <-p.exited:
	default:
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
	log, _ := os.ReadFile(p.logPath)
	if bytes.Contains(log, []byte("WARNING: DATA RACE")) {
		t.Errorf("%s reported a data race:\n%s", p.name, log)
		return
	}
	if t.Failed() || os.Getenv("FAULT_DEBUG") != "" {
		t.Logf("%s log (tail):\n%s", p.name, p.logTail())
	}
}

// logTail returns the last 8 KB of the log.
func (p *proc) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	if len(b) > 8192 {
		b = b[len(b)-8192:]
	}
	return string(b)
}

// kill sends SIGKILL, the crash a process cannot clean up after, and
// waits until it is gone.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL))
	<-p.exited
}

// stop sends SIGTERM and requires a clean exit within procTimeout: the
// process drained, flushed and acked.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.exited:
	case <-time.After(procTimeout):
		t.Fatalf("%s did not exit within %s of SIGTERM", p.name, procTimeout)
	}
	require.NoError(t, p.err, "%s exits cleanly on SIGTERM", p.name)
}

// running reports whether the process has not exited.
func (p *proc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// get returns the status and body of GET path on the ops endpoint.
func (p *proc) get(path string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.ops+path, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// ready reports whether /readyz answers 200.
func (p *proc) ready() bool {
	code, _, err := p.get("/readyz")
	return err == nil && code == http.StatusOK
}

// waitReady waits up to within for /readyz to answer 200.
func (p *proc) waitReady(t *testing.T, within time.Duration) {
	t.Helper()
	require.Eventually(t, p.ready, within, 20*time.Millisecond, "%s /readyz", p.name)
}

// metric returns the sum of the series of family name whose label has
// value (every series when label is ""), 0 if there is none yet.
func (p *proc) metric(t *testing.T, name, label, value string) float64 {
	t.Helper()
	v, err := p.scrape(name, label, value)
	require.NoError(t, err)
	return v
}

func (p *proc) scrape(name, label, value string) (float64, error) {
	code, body, err := p.get("/metrics")
	if err != nil {
		return 0, err
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("%s /metrics: status %d", p.name, code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("%s /metrics: %w", p.name, err)
	}
	var sum float64
	for _, m := range families[name].GetMetric() {
		match := label == ""
		for _, l := range m.GetLabel() {
			match = match || l.GetName() == label && l.GetValue() == value
		}
		if !match {
			continue
		}
		switch {
		case m.GetCounter() != nil:
			sum += m.GetCounter().GetValue()
		case m.GetGauge() != nil:
			sum += m.GetGauge().GetValue()
		default:
			return 0, errors.New("metric " + name + " is neither a counter nor a gauge")
		}
	}
	return sum, nil
}

// logContains reports whether a log line contains every one of parts.
func (p *proc) logContains(parts ...string) bool {
	b, _ := os.ReadFile(p.logPath)
	for _, line := range strings.Split(string(b), "\n") {
		all := true
		for _, s := range parts {
			all = all && strings.Contains(line, s)
		}
		if all {
			return true
		}
	}
	return false
}
