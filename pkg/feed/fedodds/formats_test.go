package fedodds

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

func TestFormats(t *testing.T) {
	fs := Formats()
	assert.Equal(t, []string{"fedodds-csv", "kalshi", "polymarket", "zq-futures"}, feed.FormatNames(fs))
	for _, f := range fs {
		assert.NotEmpty(t, f.Doc, f.Name)
		p, err := f.New(nil)
		require.NoError(t, err, f.Name)
		require.NotNil(t, p, f.Name)
	}
}

func TestFormatParams(t *testing.T) {
	tests := []struct {
		name    string
		format  string
		params  map[string]string
		wantMsg string
	}{
		{name: "zq source and effr", format: "zq-futures", params: map[string]string{"source": "cme.zq-eod", "effr": "3.88"}},
		{name: "zq effr with percent sign", format: "zq-futures", params: map[string]string{"effr": "3.88%"}},
		{name: "zq unknown param", format: "zq-futures", params: map[string]string{"target_upper": "4"}, wantMsg: `zq-futures: unknown parameter "target_upper" (known: source, effr)`},
		{name: "zq effr not a number", format: "zq-futures", params: map[string]string{"effr": "high"}, wantMsg: `zq-futures: effr "high" is not a percent in [-1, 25]`},
		{name: "zq effr in bp", format: "zq-futures", params: map[string]string{"effr": "388"}, wantMsg: `effr "388" is not a percent`},
		{name: "bad source", format: "kalshi", params: map[string]string{"source": "Kalshi API"}, wantMsg: `kalshi: source "Kalshi API" must be 1-64 of lowercase`},
		{name: "kalshi target_upper", format: "kalshi", params: map[string]string{"target_upper": "3.75"}},
		{name: "kalshi target_upper off grid", format: "kalshi", params: map[string]string{"target_upper": "3.8"}, wantMsg: "kalshi: target_upper 3.8 is not a multiple of 0.25"},
		{name: "kalshi effr unknown", format: "kalshi", params: map[string]string{"effr": "3.88"}, wantMsg: `kalshi: unknown parameter "effr"`},
		{name: "polymarket unknown", format: "polymarket", params: map[string]string{"slug": "x"}, wantMsg: `polymarket: unknown parameter "slug" (known: source)`},
		{name: "csv source", format: "fedodds-csv", params: map[string]string{"source": "news"}},
		{name: "csv unknown", format: "fedodds-csv", params: map[string]string{"pct": "true"}, wantMsg: `fedodds-csv: unknown parameter "pct"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := feed.Lookup(Formats(), tt.format)
			require.NoError(t, err)
			_, err = f.New(tt.params)
			if tt.wantMsg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, feed.ErrBadParam)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}
