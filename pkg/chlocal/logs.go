package chlocal

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// fileSize returns the size of file name, 0 if it cannot be read.
func fileSize(name string) int64 {
	st, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return st.Size()
}

// tailSince returns the last 2 KiB written to errLog after offset, or if
// there are none the last 2 KiB of console, for error messages.
func tailSince(errLog string, offset int64, console string) string {
	if s := tail(errLog, offset, 2048); s != "" {
		return "error log " + errLog + ":\n" + s
	}
	if s := tail(console, 0, 2048); s != "" {
		return "console " + console + ":\n" + s
	}
	return "no server log output in " + filepath.Dir(errLog)
}

// tail returns the last limit bytes of name written after offset, trimmed,
// or "" if there are none or name cannot be read.
func tail(name string, offset, limit int64) string {
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil || st.Size() <= offset {
		return ""
	}
	start := max(offset, st.Size()-limit)
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return strings.TrimSpace(string(b))
}
