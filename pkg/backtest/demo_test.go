package backtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDemo writes the synthetic backtest as PNG (also at the smallest size),
// SVG, HTML and CSV into the
// directory named by CW_BACKTEST_DEMO, for a person to look at; without it,
// it skips.
func TestDemo(t *testing.T) {
	dir := os.Getenv("CW_BACKTEST_DEMO")
	if dir == "" {
		t.Skip("set CW_BACKTEST_DEMO=dir to write the demo chart")
	}
	prints, inputs := demoPrints(200), demoInputs()
	opts := Options{Title: "CLRI backtest — synthetic 30 days"}
	for _, ext := range []string{".png", ".svg", ".html"} {
		require.NoError(t, Render(filepath.Join(dir, "backtest-demo"+ext), prints, inputs, opts))
	}
	small := Options{Title: opts.Title, Width: MinWidth, Height: MinHeight}
	require.NoError(t, Render(filepath.Join(dir, "backtest-demo-small.png"), prints, inputs, small))
	f, err := os.Create(filepath.Join(dir, "backtest-demo.csv"))
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, WriteCSV(f, prints))
}
