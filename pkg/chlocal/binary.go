package chlocal

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// EnvBinary names the variable holding the path of the ClickHouse server
// binary to run instead of the one FindBinary would find.
const EnvBinary = "CW_CLICKHOUSE_BINARY"

// FindBinary locates a ClickHouse server: the file named by
// CW_CLICKHOUSE_BINARY if set; else the single `clickhouse`
// binary (run as `clickhouse server`) if present, else `clickhouse-server`,
// looking in PATH and then /usr/bin and /usr/sbin (often missing from a
// non-root PATH). The error wraps ErrNoBinary, whose message says how
// to install one.
func FindBinary() (path string, args []string, err error) {
	candidates := []struct {
		name string
		args []string
	}{
		{"clickhouse", []string{"server"}},
		{"clickhouse-server", nil},
	}
	if p := os.Getenv(EnvBinary); p != "" {
		if !isExecutable(p) {
			return "", nil, fmt.Errorf("%s=%s is not an executable file: %w", EnvBinary, p, ErrNoBinary)
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
			if p := filepath.Join(d, c.name); isExecutable(p) {
				return p, c.args, nil
			}
		}
	}
	return "", nil, ErrNoBinary
}

// isExecutable reports whether p is a file with an execute bit.
func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}
