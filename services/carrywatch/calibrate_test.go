package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

// The shipped clri-v2 calibration is exactly what `carrywatch calibrate`
// writes from the embedded history, every time.
func TestCalibrateWritesTheShippedFileByteForByte(t *testing.T) {
	ctx := context.Background()
	first, _, err := run(t, ctx, "calibrate")
	require.NoError(t, err)
	second, _, err := run(t, ctx, "calibrate")
	require.NoError(t, err)
	assert.Equal(t, first, second, "two runs, one file")
	shipped, err := risk.CalibrationFor(risk.ModelVersionV2)
	require.NoError(t, err)
	require.Equal(t, string(shipped.Bytes()), first, "pkg/risk/calibration/clri-v2.yaml is stale: run carrywatch calibrate --out pkg/risk/calibration/clri-v2.yaml")
	for _, in := range []string{"jgb_2y.csv", "usdjpy.csv", "ust_2y.csv", "btc_usd.csv", "vix.csv", "fed_funds_futures_zq_m1.csv"} {
		assert.Contains(t, first, "file: "+in, "the file records its inputs")
	}
	assert.NotContains(t, first, "last: \"2024", "no input runs past the cut-off")

	path := filepath.Join(t.TempDir(), "v2.yaml")
	_, _, err = run(t, ctx, "calibrate", "--out", path)
	require.NoError(t, err)
	out, _, err := run(t, ctx, "calibrate", "--check", path)
	require.NoError(t, err)
	assert.Contains(t, out, "is what calibrate writes")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(first, "hysteresis: 3", "hysteresis: 4", 1)), 0o644))
	_, _, err = run(t, ctx, "calibrate", "--check", path)
	require.ErrorContains(t, err, "differs from what calibrate writes")
}

// The event study of MODEL.md's v2 check 4, on the real 1999–2023 history.
func TestValidateMeetsTheEventStudyTargets(t *testing.T) {
	events, err := replayHistory(os.Stderr)
	require.NoError(t, err)
	res := risk.Study(risk.DefaultCalibration(), events, studyEpisodes())
	require.Len(t, res.Episodes, 8)
	elevated := 0
	for _, e := range res.Episodes {
		assert.True(t, regimeAtLeast(e.Regime, event.RegimeWatch), "%s: %s at %.1f", e.Name, e.Regime, e.Index)
		if regimeAtLeast(e.Regime, event.RegimeElevated) {
			elevated++
		}
	}
	assert.GreaterOrEqual(t, elevated, 6, "episodes at least elevated")
	assert.Greater(t, res.Weekdays, 6000)
	assert.LessOrEqual(t, res.Shares[event.RegimeElevated]+res.Shares[event.RegimeStress], 0.10)
	assert.LessOrEqual(t, res.Shares[event.RegimeStress], 0.03)
	assert.Greater(t, res.Shares[event.RegimeElevated]+res.Shares[event.RegimeStress], 0.0, "the index does reach elevated")

	out, _, err := run(t, context.Background(), "validate")
	require.NoError(t, err)
	for _, e := range res.Episodes {
		assert.Contains(t, out, "| "+e.Name+" |")
	}
	assert.Contains(t, out, "share of 6")

	// v1 misses the targets: the reason v2 exists.
	_, _, err = run(t, context.Background(), "validate", "--model", "clri-v1")
	require.ErrorContains(t, err, "misses its targets")
}

// The README shows the event study `carrywatch validate` prints.
func TestREADMEShowsTheEventStudy(t *testing.T) {
	out, _, err := run(t, context.Background(), "validate")
	require.NoError(t, err)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	const begin, end = "<!-- validate -->\n", "<!-- /validate -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	require.True(t, i >= 0 && j > i, "README.md has the validate markers")
	assert.Equal(t, out, s[i+len(begin):j], "README.md's event study is not what carrywatch validate prints; paste its output between the markers")
}
