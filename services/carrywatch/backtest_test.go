package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// badScenario is six valid events and four lines that are not: garbage, an
// unknown schema and two out-of-range values (lines 3, 5, 8 and 10).
const badScenario = `{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"2Y","yield_pct":1.02}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}
this is not json
# a comment, skipped
{"schema":"cw.rumour/v1","source":"x","observed_at":"2025-12-01T07:00:00Z"}
{"schema":"cw.fed.odds/v1","source":"cme-fedwatch","observed_at":"2025-12-01T16:00:00Z","meeting":"2025-12-10","outcomes":[{"change_bp":-25,"probability":0.85},{"change_bp":0,"probability":0.15}]}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-02T06:00:00Z","tenor":"2Y","yield_pct":1.005}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-02T06:00:00Z","tenor":"10Y","yield_pct":186.4}
{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-02T06:00:00Z","tenor":"10Y","yield_pct":1.864}
{"schema":"cw.fed.odds/v1","source":"cme-fedwatch","observed_at":"2025-12-02T16:00:00Z","meeting":"2025-12-10","outcomes":[{"change_bp":-25,"probability":1.5},{"change_bp":0,"probability":0.15}]}
{"schema":"cw.fed.odds/v1","source":"cme-fedwatch","observed_at":"2025-12-02T16:00:00Z","meeting":"2025-12-10","outcomes":[{"change_bp":-25,"probability":0.9},{"change_bp":0,"probability":0.1}]}
`

// badScenarioStderr is what a backtest of badScenario writes to stderr,
// after the file's path.
var badScenarioStderr = []string{
	`:3: malformed: malformed message: invalid character 'h' in literal true (expecting 'r')`,
	`:5: unknown_schema: schema: unknown schema: "cw.rumour/v1"`,
	`:8: out_of_range: yield_pct: value out of range: 186.4 is outside [-10, 30]`,
	`:10: out_of_range: outcomes.0.probability: value out of range: 1.5 is outside [0, 1]`,
	`: 4 lines rejected: 2 × out_of_range, 1 × malformed, 1 × unknown_schema`,
}

func writeBadScenario(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(badScenario), 0o644))
	return path
}

// A backtest reports every scenario line it left out, by line and reason
// and counted by code, on stderr, in its JSON line and in the HTML report;
// --strict makes it fail once the outputs are written.
func TestBacktestReportsRejectedLines(t *testing.T) {
	ctx := context.Background()
	scen := writeBadScenario(t)
	var wantStderr strings.Builder
	for _, l := range badScenarioStderr {
		wantStderr.WriteString(scen + l + "\n")
	}

	for _, strict := range []bool{false, true} {
		t.Run(map[bool]string{false: "lenient", true: "strict"}[strict], func(t *testing.T) {
			dir := t.TempDir()
			html, csvPath := filepath.Join(dir, "report.html"), filepath.Join(dir, "prints.csv")
			args := []string{"backtest", "--scenario", scen, "--csv", csvPath, "--chart", html}
			if strict {
				args = append(args, "--strict")
			}
			out, stderr, err := run(t, ctx, args...)
			if strict {
				require.ErrorIs(t, err, errRejectedLines)
				assert.EqualError(t, err, scen+": scenario has lines that are not valid events (--strict)")
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, wantStderr.String(), stderr)

			var rep struct {
				Events   int `json:"events"`
				Rejected int `json:"rejected"`
				Prints   int `json:"prints"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &rep), "the JSON line is written either way")
			assert.Equal(t, 6, rep.Events)
			assert.Equal(t, 4, rep.Rejected)
			assert.Positive(t, rep.Prints)

			page, err := os.ReadFile(html)
			require.NoError(t, err, "the report is written either way")
			assert.Contains(t, string(page), "4 lines rejected: 2 × out_of_range, 1 × malformed, 1 × unknown_schema")
			for _, row := range []string{
				`<tr><td class="num">3</td><td>malformed</td>`,
				`<tr><td class="num">5</td><td>unknown_schema</td><td>schema: unknown schema: &#34;cw.rumour/v1&#34;</td></tr>`,
				`<tr><td class="num">8</td><td>out_of_range</td><td>yield_pct: value out of range: 186.4 is outside [-10, 30]</td></tr>`,
				`<tr><td class="num">10</td><td>out_of_range</td>`,
			} {
				assert.Contains(t, string(page), row)
			}
			assert.FileExists(t, csvPath)
		})
	}

	t.Run("strict on a clean scenario", func(t *testing.T) {
		out, stderr, err := run(t, ctx, "backtest", "--scenario", "nov-2025", "--strict")
		require.NoError(t, err)
		assert.Empty(t, stderr)
		assert.Contains(t, out, `"rejected":0,`)
	})
}

// The binary exits 0 on rejected lines by default and 1 with --strict.
func TestBacktestStrictExitStatus(t *testing.T) {
	bin := buildCLI(t)
	scen := writeBadScenario(t)

	lenient := runCLI(t, bin, nil, "backtest", "--scenario", scen)
	require.NoError(t, lenient.err, lenient.all)
	assert.Contains(t, lenient.all, scen+": 4 lines rejected: 2 × out_of_range, 1 × malformed, 1 × unknown_schema\n")

	strict := runCLI(t, bin, nil, "backtest", "--scenario", scen, "--strict")
	var exit *exec.ExitError
	require.ErrorAs(t, strict.err, &exit, strict.all)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, strict.all, scen+": 4 lines rejected: 2 × out_of_range, 1 × malformed, 1 × unknown_schema\n")
	assert.Contains(t, strict.all, "carrywatch: "+scen+": scenario has lines that are not valid events (--strict)\n")

	clean := runCLI(t, bin, nil, "backtest", "--scenario", "nov-2025", "--strict")
	require.NoError(t, clean.err, clean.all)
}

// The CSV has raw, score and confidence columns for every component the
// model prints, each filled on every print that has the component.
func TestBacktestCSVComponentColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "prints.csv")
	_, _, err := run(t, context.Background(), "backtest", "--scenario", "nov-2025", "--csv", path)
	require.NoError(t, err)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 1)
	header := rows[0]
	var components []string
	for _, h := range header {
		if name, ok := strings.CutSuffix(h, "_raw"); ok {
			components = append(components, name)
			assert.Contains(t, header, name+"_score")
			assert.Contains(t, header, name+"_conf")
		}
	}
	assert.Equal(t, []string{"A2", "A4", "B1", "B2", "C1", "C2", "D1", "D3", "E1", "E2"}, components, "clri-v2's components with data in nov-2025 (no VIX or UST; too little BTC for D2), sorted")
	col := func(name string) int { return slices.Index(header, name) }
	for _, c := range components {
		raw, score, conf := col(c+"_raw"), col(c+"_score"), col(c+"_conf")
		filled := 0
		for _, row := range rows[1:] {
			if row[score] == "" {
				assert.Empty(t, row[raw], "%s absent: no raw", c)
				assert.Empty(t, row[conf], "%s absent: no confidence", c)
				continue
			}
			filled++
			assert.NotEmpty(t, row[conf], "%s present: a confidence", c)
		}
		assert.Positive(t, filled, "%s is on some print", c)
	}
}
