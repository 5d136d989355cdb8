package progress

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a settable now for the Writer's throttle.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestWriter(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		want     string
	}{
		{name: "not a terminal: nothing", terminal: false, want: ""},
		{
			name:     "terminal: one line rewritten in place",
			terminal: true,
			// Update "parsed 2" comes 100 ms after "parsed 1" and is
			// dropped; the shorter lines are padded over the longer ones.
			want: "\rparse usdjpy" +
				"\rparsed 1    " +
				"\rparsed 3    " +
				"\rpublish     " +
				"\rpublished 10 events\n" +
				"\rwarming",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			c := &clock{t: time.Date(2025, 11, 28, 6, 0, 0, 0, time.UTC)}
			p := New(&buf, tt.terminal)
			p.now = c.now
			assert.Equal(t, tt.terminal, p.Enabled())

			p.Step("parse %s", "usdjpy")
			c.t = c.t.Add(time.Second)
			p.Update("parsed %d", 1)
			c.t = c.t.Add(100 * time.Millisecond)
			p.Update("parsed %d", 2)
			c.t = c.t.Add(minInterval)
			p.Update("parsed %d", 3)
			p.Step("publish")
			p.Done("published %d events", 10)
			p.Update("warming")
			assert.Equal(t, tt.want, buf.String())
		})
	}
}

func TestClear(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, true)
	p.Clear() // nothing shown: nothing to clear
	p.Step("abc")
	p.Clear()
	p.Clear()
	assert.Equal(t, "\rabc\r   \r", buf.String())
}

// Other output goes above the line, which the next update shows again.
func TestAbove(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, true)
	w := p.Above(&buf)
	p.Step("publishing")
	_, err := w.Write([]byte("warning: x\n"))
	require.NoError(t, err)
	p.Update("published 1")
	assert.Equal(t, "\rpublishing\r          \rwarning: x\n\rpublished 1", buf.String())

	var quiet bytes.Buffer
	assert.Same(t, &quiet, New(&quiet, false).Above(&quiet), "no terminal: the writer itself")
}

// For decides by the writer: a buffer or a regular file is no terminal.
func TestFor(t *testing.T) {
	var buf bytes.Buffer
	assert.False(t, For(&buf).Enabled())
	f, err := os.Create(t.TempDir() + "/out")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, IsTerminal(f))
	p := For(f)
	p.Step("step")
	p.Done("done")
	st, err := f.Stat()
	require.NoError(t, err)
	assert.Zero(t, st.Size(), "nothing written to a file")
}
