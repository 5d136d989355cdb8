package grafana_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/risk"
)

// TestRegimeBandsMatchTheModel keeps the regime bands the risk dashboard
// colours and describes equal to the default model's thresholds, so a
// refitted calibration cannot leave the chart saying another regime than the
// prints.
func TestRegimeBandsMatchTheModel(t *testing.T) {
	thr := risk.DefaultCalibration().RegimeThresholds()
	raw, err := os.ReadFile("dashboards/carrywatch-risk.json")
	require.NoError(t, err)
	var d struct {
		Panels []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			FieldConfig struct {
				Defaults struct {
					Thresholds struct {
						Steps []struct {
							Value *float64 `json:"value"`
						} `json:"steps"`
					} `json:"thresholds"`
				} `json:"defaults"`
			} `json:"fieldConfig"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(raw, &d))
	text := fmt.Sprintf("calm < %g ≤ watch < %g ≤ elevated < %g ≤ stress", thr[0], thr[1], thr[2])
	checked := 0
	for _, p := range d.Panels {
		if p.Title != "CLRI now" && p.Title != "CLRI and regime bands" {
			continue
		}
		checked++
		steps := p.FieldConfig.Defaults.Thresholds.Steps
		require.Len(t, steps, 4, "%s: a base colour and one step per regime", p.Title)
		assert.Nil(t, steps[0].Value, "%s: the base step", p.Title)
		for i, want := range thr {
			if assert.NotNil(t, steps[i+1].Value, "%s: step %d", p.Title, i+1) {
				assert.Equal(t, want, *steps[i+1].Value, "%s: step %d (%s)", p.Title, i+1, risk.DefaultCalibration().Version())
			}
		}
		assert.True(t, strings.Contains(p.Description, text), "%s: the description says %q", p.Title, text)
	}
	assert.Equal(t, 2, checked, "the panels with regime bands")
}
