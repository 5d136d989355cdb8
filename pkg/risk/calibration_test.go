package risk

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultCalibration(t *testing.T) {
	c := v1Calibration()
	sum := sha256.Sum256(v1CalibrationYAML)
	assert.Equal(t, hex.EncodeToString(sum[:16]), c.Hash())
	assert.Len(t, c.Hash(), 32)
	assert.Equal(t, ModelVersionV1, c.Version())
	assert.Equal(t, v1CalibrationYAML, c.Bytes())
	assert.Equal(t, time.Hour, c.MaxInterval())
	assert.Equal(t, [3]float64{40, 60, 75}, c.RegimeThresholds())
	assert.Equal(t, DefaultCalibration().Hash(), Calibration{}.Hash(), "the zero Calibration is the default")

	p := c.params()
	assert.Equal(t, [nBlocks]float64{0.35, 0.20, 0.25, 0.20}, p.weights)
	assert.Equal(t, 0.93, p.corrLambda)
	assert.Equal(t, 60, p.corrMinSamples)
	assert.Equal(t, 5.0, p.hysteresis)
	assert.Equal(t, 0.5, p.minMove)
	assert.Equal(t, 0.6, p.venueWeights["cme"])
	assert.Equal(t, 0.2, p.venueWeights["binance"])
	assert.Equal(t, 0.2, p.venueWeights["coinbase"])
	assert.Equal(t, freshness{business: true, cadenceMs: msPerDay, graceMs: 2 * msPerHour, halfLifeMs: msPerDay, holidays: p.jgbFresh.holidays}, p.jgbFresh)
	assert.Equal(t, freshness{cadenceMs: msPerHour, graceMs: 2 * msPerHour, halfLifeMs: msPerDay}, p.fedFresh)
	assert.Equal(t, freshness{business: true, cadenceMs: msPerDay, graceMs: 18 * msPerHour, halfLifeMs: 2 * msPerDay, holidays: p.etfFresh.holidays}, p.etfFresh)
	assert.Contains(t, p.jgbFresh.holidays, int32(time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC).Unix()/86400))
	assert.Contains(t, p.etfFresh.holidays, int32(time.Date(2025, 11, 27, 0, 0, 0, 0, time.UTC).Unix()/86400))
}

func TestCalibrationHashFollowsTheBytes(t *testing.T) {
	c, err := ParseCalibration(append(v1Calibration().Bytes(), "# a comment changes the file\n"...))
	require.NoError(t, err)
	assert.NotEqual(t, v1Calibration().Hash(), c.Hash())
}

func TestParseCalibrationRejects(t *testing.T) {
	base := string(v1CalibrationYAML)
	tests := []struct {
		name    string
		old     string // replaced once in the default file
		new     string
		wantMsg string
	}{
		{"unknown key", "model_version: clri-v1", "model_version: clri-v1\nextra: 1", "field extra not found"},
		{"another version", "model_version: clri-v1", "model_version: clri-v0", "model_version"},
		{"weights do not sum to 1", "A: 0.35", "A: 0.45", "sum to"},
		{"unknown block", "E: 0.20 #", "F: 0.20 #", "blocks.weights"},
		{"lambda out of range", "correlation_lambda: 0.93", "correlation_lambda: 1.5", "correlation_lambda"},
		{"thresholds not increasing", "thresholds: [40, 60, 75]", "thresholds: [40, 80, 75]", "regimes.thresholds"},
		{"bad duration", "max_interval: 1h", "max_interval: soon", "publish.max_interval"},
		{"bad clock", "clock: calendar", "clock: lunar", "clock"},
		{"holidays on the calendar clock", "clock: calendar # prediction", "clock: calendar\n    holidays: [2025-01-01] #", "holidays"},
		{"non-monotone table", "- [0.050, -0.238]", "- [0.050, -0.300]", "strictly increase"},
		{"table not ending at 1", "- [1.000, 80.0]", "- [0.999, 80.0]", "from 0 to 1"},
		{"missing severity", "    none: 0.0 # informational\n", "", "severity"},
		{"severity above 1", "halt: 1.0", "halt: 1.5", "severity.halt"},
		{"unknown tenor", "tenors: [2Y, 10Y]", "tenors: [2Y, 10X]", "carry.tenors"},
		{"missing section", "triggers:", "triggerz:", "triggerz"},
		{"two documents", "model_version: clri-v1", "model_version: clri-v1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, base, tt.old)
			data := strings.Replace(base, tt.old, tt.new, 1)
			if tt.name == "two documents" {
				data += "---\nmodel_version: clri-v1\n"
			}
			_, err := ParseCalibration([]byte(data))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBadCalibration)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

func TestParseCalibrationEmpty(t *testing.T) {
	_, err := ParseCalibration(nil)
	require.ErrorIs(t, err, ErrBadCalibration)
}
