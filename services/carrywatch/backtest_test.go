package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A backtest of nov-2025 writes every print and a chart, and replaying it
// again gives byte-identical prints.
func TestBacktestScenarioIsReproducible(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var csvs []string
	for i := range 2 {
		csv := filepath.Join(dir, "prints"+string(rune('a'+i))+".csv")
		svg := filepath.Join(dir, "chart.svg")
		out, _, err := run(t, ctx, "backtest", "--scenario", "nov-2025", "--csv", csv, "--chart", svg)
		require.NoError(t, err)
		var rep struct {
			Events int     `json:"events"`
			Prints int     `json:"prints"`
			Index  float64 `json:"last_index"`
			Regime string  `json:"last_regime"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		assert.Equal(t, 285, rep.Events)
		assert.Positive(t, rep.Prints)
		data, err := os.ReadFile(csv)
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		assert.Len(t, lines, rep.Prints+1, "a header and one row per print")
		csvs = append(csvs, string(data))
		chart, err := os.ReadFile(svg)
		require.NoError(t, err)
		dec := xml.NewDecoder(strings.NewReader(string(chart)))
		for {
			if _, err := dec.Token(); err != nil {
				require.ErrorContains(t, err, "EOF", "the chart is well-formed SVG")
				break
			}
		}
	}
	assert.Equal(t, csvs[0], csvs[1], "two replays give byte-identical prints")
}

func TestBacktestNeedsAnInput(t *testing.T) {
	_, _, err := run(t, context.Background(), "backtest")
	require.ErrorContains(t, err, "give --scenario")
	_, _, err = run(t, context.Background(), "backtest", "--scenario", "nov-2025", "--chart", filepath.Join(t.TempDir(), "x.gif"))
	require.Error(t, err)
}
