package backtest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

func TestWriteCSV(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	prints := []*event.RiskScore{
		{
			Index: 41.5, Regime: event.RegimeWatch,
			Blocks: []event.Block{
				{Name: "fed_path", Score: 0.5, Contribution: 10.25, Freshness: 1},
				{Name: "carry", Score: 0.25, Contribution: 31.25, Freshness: 0.9},
			},
			Components: []event.Component{
				{Name: "B1", Block: "fed_path", Raw: ptr(-12.5), Score: 0.5, Confidence: 1},
				{Name: "A1", Block: "carry", Raw: ptr(1.025), Score: 0.25, Confidence: 0.75},
				{Name: "A2", Block: "carry", Score: 0.125, Confidence: 0}, // no raw input
			},
			Triggers: []string{"POLICY_SHOCK"}, Drivers: []string{"carry", "fed_path"},
			ModelVersion: "clri-v1", CalibrationHash: "sha256:abc",
			Watermark: event.Watermark{StreamSeq: 7, EventTime: time.Date(2025, 11, 20, 23, 30, 0, 123456789, tokyo)},
		},
		{ // no fed block, no triggers, no components
			Index: 12, Regime: event.RegimeCalm,
			Blocks:       []event.Block{{Name: "carry", Score: 0.1, Contribution: 12}},
			Drivers:      []string{"carry"},
			ModelVersion: "clri-v1", CalibrationHash: "sha256:abc",
			Watermark: event.Watermark{StreamSeq: 9, EventTime: time.Date(2025, 11, 20, 15, 0, 0, 0, time.UTC)},
		},
		{ // a block the others lack, two triggers
			Index: 80.125, Regime: event.RegimeStress,
			Blocks: []event.Block{
				{Name: "infrastructure", Score: 1, Contribution: 40.0625},
				{Name: "carry", Score: 0.6, Contribution: 40.0625},
			},
			Components: []event.Component{ // a component of a newer model, and one the first print has
				{Name: "X1", Block: "infrastructure", Raw: ptr(3), Score: 1, Confidence: 0.5},
				{Name: "A1", Block: "carry", Raw: ptr(0), Score: 0.6, Confidence: 1},
			},
			Triggers: []string{"VENUE_DOWN", "POLICY_SHOCK"}, Drivers: []string{"infrastructure", "carry"},
			ModelVersion: "clri-v1", CalibrationHash: "sha256:abc",
			Watermark: event.Watermark{StreamSeq: 12, EventTime: time.Date(2025, 11, 20, 15, 30, 0, 0, time.UTC)},
		},
	}
	want := "" +
		"event_time,stream_seq,index,regime," +
		"carry_score,carry_contribution,fed_path_score,fed_path_contribution,infrastructure_score,infrastructure_contribution," +
		"A1_raw,A1_score,A1_conf,A2_raw,A2_score,A2_conf,B1_raw,B1_score,B1_conf,X1_raw,X1_score,X1_conf," +
		"triggers,drivers,model_version,calibration_hash\n" +
		"2025-11-20T14:30:00.123Z,7,41.5,watch,0.25,31.25,0.5,10.25,,," +
		"1.025,0.25,0.75,,0.125,0,-12.5,0.5,1,,,," +
		"POLICY_SHOCK,carry|fed_path,clri-v1,sha256:abc\n" +
		"2025-11-20T15:00:00.000Z,9,12,calm,0.1,12,,,,," +
		",,,,,,,,,,,," +
		",carry,clri-v1,sha256:abc\n" +
		"2025-11-20T15:30:00.000Z,12,80.125,stress,0.6,40.0625,,,1,40.0625," +
		"0,0.6,1,,,,,,,3,1,0.5," +
		"VENUE_DOWN|POLICY_SHOCK,infrastructure|carry,clri-v1,sha256:abc\n"

	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, prints))
	assert.Equal(t, want, b.String())

	var again bytes.Buffer
	require.NoError(t, WriteCSV(&again, prints))
	assert.Equal(t, b.Bytes(), again.Bytes(), "deterministic")
}

// The component columns follow the prints: a model that adds components
// adds their columns, wherever in the run they first appear.
func TestWriteCSVComponentColumnsFollowThePrints(t *testing.T) {
	at := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	newPrint := func(seq uint64, names ...string) *event.RiskScore {
		p := &event.RiskScore{Regime: event.RegimeCalm, ModelVersion: "clri-v2",
			Watermark: event.Watermark{StreamSeq: seq, EventTime: at.Add(time.Duration(seq) * time.Minute)}}
		for i, n := range names {
			p.Components = append(p.Components, event.Component{Name: n, Raw: ptr(float64(i)), Score: 0.5, Confidence: 1})
		}
		return p
	}
	prints := []*event.RiskScore{
		newPrint(1, "E2", "E1", "C1", "B2", "B1", "A2", "A1"),
		newPrint(2, "A1", "A2", "A3", "A4", "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "X1"),
	}
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, prints))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)

	var names []string
	for _, h := range rows[0] {
		if c, ok := strings.CutSuffix(h, "_raw"); ok {
			names = append(names, c)
		}
	}
	assert.Equal(t, []string{"A1", "A2", "A3", "A4", "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "X1"}, names)

	cell := func(row int, col string) string {
		i := slices.Index(rows[0], col)
		require.GreaterOrEqual(t, i, 0, "column %s", col)
		return rows[row][i]
	}
	assert.Equal(t, "6", cell(1, "A1_raw"), "A1 is the seventh component of the first print")
	assert.Equal(t, "0", cell(2, "A1_raw"))
	assert.Equal(t, "", cell(1, "X1_raw"), "the first print has no X1")
	assert.Equal(t, "", cell(1, "X1_score"))
	assert.Equal(t, "", cell(1, "X1_conf"))
	assert.Equal(t, "12", cell(2, "X1_raw"))
	assert.Equal(t, "0.5", cell(2, "X1_score"))
	assert.Equal(t, "1", cell(2, "X1_conf"))
}

func ptr(v float64) *float64 { return &v }

func TestWriteCSVErrors(t *testing.T) {
	tests := []struct {
		name   string
		prints []*event.RiskScore
		w      *failingWriter
		want   error
	}{
		{name: "no prints", want: ErrNoPrints},
		{name: "nil print", prints: []*event.RiskScore{demoPrints(2)[0], nil}, want: ErrNilPrint},
		{name: "writer fails", prints: demoPrints(3), w: &failingWriter{}, want: errFailingWriter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w interface{ Write([]byte) (int, error) } = &bytes.Buffer{}
			if tt.w != nil {
				w = tt.w
			}
			err := WriteCSV(w, tt.prints)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

var errFailingWriter = errors.New("disk full")

type failingWriter struct{}

func (*failingWriter) Write([]byte) (int, error) { return 0, errFailingWriter }
