package backtest

import (
	"bytes"
	"errors"
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
			Triggers: []string{"POLICY_SHOCK"}, Drivers: []string{"carry", "fed_path"},
			ModelVersion: "clri-v1", CalibrationHash: "sha256:abc",
			Watermark: event.Watermark{StreamSeq: 7, EventTime: time.Date(2025, 11, 20, 23, 30, 0, 123456789, tokyo)},
		},
		{ // no fed block, no triggers
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
			Triggers: []string{"VENUE_DOWN", "POLICY_SHOCK"}, Drivers: []string{"infrastructure", "carry"},
			ModelVersion: "clri-v1", CalibrationHash: "sha256:abc",
			Watermark: event.Watermark{StreamSeq: 12, EventTime: time.Date(2025, 11, 20, 15, 30, 0, 0, time.UTC)},
		},
	}
	want := "" +
		"event_time,stream_seq,index,regime,carry_score,carry_contribution,fed_path_score,fed_path_contribution,infrastructure_score,infrastructure_contribution,triggers,drivers,model_version,calibration_hash\n" +
		"2025-11-20T14:30:00.123Z,7,41.5,watch,0.25,31.25,0.5,10.25,,,POLICY_SHOCK,carry|fed_path,clri-v1,sha256:abc\n" +
		"2025-11-20T15:00:00.000Z,9,12,calm,0.1,12,,,,,,carry,clri-v1,sha256:abc\n" +
		"2025-11-20T15:30:00.000Z,12,80.125,stress,0.6,40.0625,,,1,40.0625,VENUE_DOWN|POLICY_SHOCK,infrastructure|carry,clri-v1,sha256:abc\n"

	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, prints))
	assert.Equal(t, want, b.String())

	var again bytes.Buffer
	require.NoError(t, WriteCSV(&again, prints))
	assert.Equal(t, b.Bytes(), again.Bytes(), "deterministic")
}

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
