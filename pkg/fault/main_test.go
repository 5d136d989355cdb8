package fault_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

// Paths of the service binaries TestMain builds for the cases that kill a
// real process.
var (
	sinkBin   string
	scorerBin string
)

// TestMain builds services/sink and services/scorer once into a temporary
// directory, with the race detector when the tests have it, then runs the
// tests and stops the shared ClickHouse server.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fault-bin-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "fault: %v\n", err)
		os.Exit(1)
	}
	if err := build(dir); err != nil {
		fmt.Fprintf(os.Stderr, "fault: %v\n", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	sinkBin, scorerBin = filepath.Join(dir, "sink"), filepath.Join(dir, "scorer")
	code := chtest.Run(m)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles the services into dir with the go command on PATH.
func build(dir string) error {
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	if raceEnabled() {
		args = append(args, "-race")
	}
	args = append(args, "github.com/carrywatch/carrywatch/services/sink", "github.com/carrywatch/carrywatch/services/scorer")
	cmd := exec.Command("go", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %v: %w\n%s", args, err, out)
	}
	return nil
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
