package backtest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// Render writes the chart of prints and inputs to the file at path in the
// format its extension names: .svg (RenderSVG), .png (RenderPNG), .html or
// .htm (RenderHTML), in any case. It renders in memory first, so a failed
// render leaves no file behind. It returns an error wrapping
// ErrUnknownFormat for any other extension, the renderer's error, or the
// file system's.
func Render(path string, prints []*event.RiskScore, inputs []event.Event, opts Options) error {
	var render func(io.Writer, []*event.RiskScore, []event.Event, Options) error
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg":
		render = RenderSVG
	case ".png":
		render = RenderPNG
	case ".html", ".htm":
		render = RenderHTML
	default:
		return fmt.Errorf("render %s: %w %q (want .svg, .png or .html)", path, ErrUnknownFormat, ext)
	}
	var b bytes.Buffer
	if err := render(&b, prints, inputs, opts); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	return nil
}
