// Package progress tells a person at a terminal how far long work has come:
// one line on stderr, rewritten in place, and nothing at all when the
// writer is not a terminal (a pipe, a file, a test's buffer), so logs and
// parsed output stay as they were.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// minInterval is the least time between two rewrites of the line, so a
// caller may report every event without flooding the terminal.
const minInterval = 200 * time.Millisecond

// Writer shows one progress line on a terminal. The zero value is not
// usable; build one with New or For. Its methods are safe for concurrent
// use and never fail: a write error only stops the line from changing.
type Writer struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	now      func() time.Time
	last     time.Time // of the last rewrite
	width    int       // of the line on screen, 0 when none is
	err      error
}

// New returns a Writer on w that shows progress only when terminal is
// true. Use For to decide by w itself.
func New(w io.Writer, terminal bool) *Writer {
	return &Writer{w: w, terminal: terminal, now: time.Now}
}

// For returns a Writer on w that shows progress when w is a terminal
// (IsTerminal) and stays silent otherwise.
func For(w io.Writer) *Writer { return New(w, IsTerminal(w)) }

// IsTerminal reports whether w is a file (os.Stderr, say) open on a
// terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Enabled reports whether p shows anything.
func (p *Writer) Enabled() bool { return p.terminal }

// Update replaces the line with the formatted text, at most every 200 ms:
// an update sooner than that after the last one shown is dropped. Use
// Step for a line that must show.
func (p *Writer) Update(format string, args ...any) {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 && p.now().Sub(p.last) < minInterval {
		return
	}
	p.show(fmt.Sprintf(format, args...))
}

// Step replaces the line with the formatted text now, whenever the last
// one was shown: the start of a new stage of the work.
func (p *Writer) Step(format string, args ...any) {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.show(fmt.Sprintf(format, args...))
}

// Done replaces the line with the formatted text and ends it, so that what
// follows on the terminal starts on a line of its own.
func (p *Writer) Done(format string, args ...any) {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.show(fmt.Sprintf(format, args...))
	p.write("\n")
	p.width = 0
}

// Clear removes the line, if one is shown, leaving the cursor at the start
// of the empty line: call it before anything else is written to the same
// terminal.
func (p *Writer) Clear() {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		p.write("\r" + strings.Repeat(" ", p.width) + "\r")
		p.width = 0
	}
}

// Above returns a writer for other output to w's terminal (log lines,
// warnings): each write first clears the progress line, which the next
// Update or Step shows again below it. When p shows nothing it returns w.
func (p *Writer) Above(w io.Writer) io.Writer {
	if !p.terminal {
		return w
	}
	return above{p: p, w: w}
}

type above struct {
	p *Writer
	w io.Writer
}

func (a above) Write(b []byte) (int, error) {
	a.p.Clear()
	return a.w.Write(b)
}

// show rewrites the line with text, padding over a longer previous one
// with blanks (no escape sequences, so any terminal shows it right).
func (p *Writer) show(text string) {
	text = strings.ReplaceAll(text, "\n", " ")
	n := len([]rune(text))
	pad := ""
	if p.width > n {
		pad = strings.Repeat(" ", p.width-n)
	}
	p.write("\r" + text + pad)
	p.width = max(n, p.width, 1) // the padding keeps the screen line as wide
	p.last = p.now()
}

func (p *Writer) write(s string) {
	if p.err != nil {
		return
	}
	_, p.err = io.WriteString(p.w, s)
}
