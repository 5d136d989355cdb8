package natstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// CLIVersion is the NATS CLI (natscli) version `make deps-natscli` installs
// into .cache/bin, the one the tests and the README's commands are checked
// against.
const CLIVersion = "v0.5.0"

// CLI returns the path of the NATS CLI, `nats`: the repository's
// .cache/bin/nats that `make deps-natscli` installs, else the first in
// PATH. Without one it fails t when the CI environment variable is set, and
// skips it loudly otherwise; what names the tests that did not run.
func CLI(t testing.TB, what string) string {
	t.Helper()
	local := filepath.Join(repoRoot(), ".cache", "bin", "nats")
	if info, err := os.Stat(local); err == nil && !info.IsDir() {
		return local
	}
	if path, err := exec.LookPath("nats"); err == nil {
		return path
	}
	msg := "no NATS CLI (nats) in " + local + " or PATH; install it with `make deps-natscli` at the repository root" +
		" (go install github.com/nats-io/natscli/nats@" + CLIVersion + ")"
	if os.Getenv("CI") != "" {
		t.Fatal("natstest: " + msg)
	}
	t.Skip("SKIPPED: " + msg + " — " + what + " did NOT run")
	return ""
}

// repoRoot is the repository root, from this file's place in it.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
