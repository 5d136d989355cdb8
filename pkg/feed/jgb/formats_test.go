package jgb_test

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/jgb"
)

func TestFormats(t *testing.T) {
	feedtest.CheckFormats(t, jgb.Formats(), "jgb-csv", "mof-jgb")
	tests := []struct {
		name       string
		format     string
		params     map[string]string
		file       string
		wantSource string
		wantEvents int
		wantErr    string
	}{
		{name: "mof default source", format: "mof-jgb", file: currentCP932, wantSource: "mof", wantEvents: 45},
		{name: "mof empty params", format: "mof-jgb", params: map[string]string{}, file: allUTF8, wantSource: "mof", wantEvents: 615},
		{name: "mof source param", format: "mof-jgb", params: map[string]string{"source": "mof-mirror"}, file: currentUTF8, wantSource: "mof-mirror", wantEvents: 45},
		{name: "csv default source", format: "jgb-csv", file: dailyCSV, wantSource: "jgb-csv", wantEvents: 136},
		{name: "csv source param", format: "jgb-csv", params: map[string]string{"source": "fixtures.episode-2025-11"}, file: dailyCSV, wantSource: "fixtures.episode-2025-11", wantEvents: 136},
		{name: "mof unknown param", format: "mof-jgb", params: map[string]string{"url": "https://www.mof.go.jp/"}, wantErr: `format mof-jgb: bad format parameter: unknown parameter "url" (known: source)`},
		{name: "csv unknown param", format: "jgb-csv", params: map[string]string{"source": "x", "delimiter": ";"}, wantErr: `format jgb-csv: bad format parameter: unknown parameter "delimiter" (known: source)`},
		{name: "mof bad source", format: "mof-jgb", params: map[string]string{"source": "MoF"}, wantErr: `format mof-jgb: bad format parameter: source "MoF" must be 1-64 of lowercase [a-z0-9_.-]`},
		{name: "csv empty source", format: "jgb-csv", params: map[string]string{"source": ""}, wantErr: `format jgb-csv: bad format parameter: source ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := feed.Lookup(jgb.Formats(), tt.format)
			require.NoError(t, err)
			p, err := f.New(tt.params)
			if tt.wantErr != "" {
				assert.ErrorIs(t, err, feed.ErrBadParam)
				assert.ErrorContains(t, err, tt.wantErr)
				assert.Nil(t, p)
				return
			}
			require.NoError(t, err)
			obs, err := p(feedtest.Testdata(t, tt.file), now)
			require.NoError(t, err)
			assert.Len(t, yields(t, obs, tt.wantSource), tt.wantEvents)
			checkEvents(t, obs)
		})
	}
}
