package chlocal

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"github.com/carrywatch/carrywatch/pkg/backoff"
	"github.com/rs/zerolog"
)

// readyTimeout bounds how long a server may take to become ready when the
// caller's context has no deadline of its own.
const readyTimeout = 2 * time.Minute

// process is one run of a server as a child process. It runs in a process
// group of its own, so that stopping it reaches whatever it forks, and is
// sent SIGKILL if the parent dies, so that a crashed parent never leaves it
// running.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // cmd.Wait's result, set before done is closed
}

// startProcess starts cmd and a goroutine that waits for it, which ends
// when the process does.
func startProcess(cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitReady calls ready with backoff (10 ms doubling to 500 ms) until it
// returns nil, the process exits (ErrExited), or ctx ends (capped at
// readyTimeout when ctx has no deadline).
func (p *process) waitReady(ctx context.Context, ready func(context.Context) error) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, readyTimeout)
		defer cancel()
	}
	retry := readyBackoff.Start(ctx, p.done)
	for {
		last := ready(ctx)
		if last == nil {
			return nil
		}
		if !retry.Wait() {
			if errors.Is(retry.Err(), backoff.ErrStopped) {
				return ErrExited
			}
			return fmt.Errorf("%w (last check: %v)", retry.Err(), last)
		}
	}
}

// readyBackoff spaces waitReady's checks.
var readyBackoff = backoff.Policy{First: 10 * time.Millisecond, Max: 500 * time.Millisecond}

// stop sends SIGTERM to the process group and waits up to StopTimeout for
// the process to exit, then sends SIGKILL and waits for it, and logs which
// on log. Stopping an exited process, or a nil one (never started), does
// nothing; the error is returned only when the group could not be
// signalled.
func (p *process) stop(log zerolog.Logger) error {
	if p == nil || p.exited() {
		return nil
	}
	if err := syscall.Kill(-p.pid(), syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	select {
	case <-p.done:
		log.Info().Int("pid", p.pid()).Msg("local server stopped")
		return nil
	case <-time.After(StopTimeout):
	}
	log.Warn().Int("pid", p.pid()).Dur("timeout", StopTimeout).Msg("local server ignored SIGTERM; killing it")
	p.kill()
	return nil
}

// kill sends SIGKILL to the process group and waits for the process.
func (p *process) kill() {
	_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
	<-p.done
}
