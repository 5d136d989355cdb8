package chfx_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chfx"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    chfx.Version
		wantErr bool
	}{
		{in: "18.16.1", want: chfx.Version{Major: 18, Minor: 16, Patch: 1}},
		{in: "26.7.2.1", want: chfx.Version{Major: 26, Minor: 7, Patch: 2}},
		{in: "24.3.1.2672-lts", want: chfx.Version{Major: 24, Minor: 3, Patch: 1}},
		{in: "25.8", want: chfx.Version{Major: 25, Minor: 8}},
		{in: " 19.3.4\n", want: chfx.Version{Major: 19, Minor: 3, Patch: 4}},
		{in: "", wantErr: true},
		{in: "v20.1", wantErr: true},
		{in: "twenty", wantErr: true},
		{in: "99999999999999999999.1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := chfx.ParseVersion(tt.in)
			if tt.wantErr {
				assert.ErrorIs(t, err, chfx.ErrBadVersion)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDialectFor(t *testing.T) {
	tests := []struct {
		version                               chfx.Version
		wantDT64, wantLC, wantCodecs, wantTTL bool
		wantAddColumnIfNot                    bool
	}{
		{version: chfx.Version{Major: 18, Minor: 16, Patch: 1}},
		{version: chfx.Version{Major: 19, Minor: 1}, wantCodecs: true},
		{version: chfx.Version{Major: 19, Minor: 3}, wantCodecs: true, wantLC: true},
		{version: chfx.Version{Major: 19, Minor: 5, Patch: 99}, wantCodecs: true, wantLC: true},
		{version: chfx.Version{Major: 19, Minor: 6}, wantCodecs: true, wantLC: true, wantTTL: true},
		{version: chfx.Version{Major: 19, Minor: 17}, wantCodecs: true, wantLC: true, wantTTL: true},
		{version: chfx.Version{Major: 20, Minor: 1}, wantCodecs: true, wantLC: true, wantTTL: true, wantDT64: true, wantAddColumnIfNot: true},
		{version: chfx.Version{Major: 26, Minor: 7, Patch: 2}, wantCodecs: true, wantLC: true, wantTTL: true, wantDT64: true, wantAddColumnIfNot: true},
	}
	for _, tt := range tests {
		t.Run(tt.version.String(), func(t *testing.T) {
			d := chfx.DialectFor(tt.version)
			assert.Equal(t, tt.version, d.Version)
			assert.Equal(t, tt.wantDT64, d.DateTime64, "DateTime64")
			assert.Equal(t, tt.wantLC, d.LowCardinality, "LowCardinality")
			assert.Equal(t, tt.wantCodecs, d.Codecs, "Codecs")
			assert.Equal(t, tt.wantTTL, d.TTL, "TTL")
			assert.Equal(t, tt.wantAddColumnIfNot, d.AddColumnIfNotExists, "AddColumnIfNotExists")
		})
	}
	assert.True(t, chfx.Current.DateTime64 && chfx.Current.LowCardinality && chfx.Current.Codecs && chfx.Current.TTL && chfx.Current.AddColumnIfNotExists)
	assert.Equal(t, 26, chfx.Current.Major)
}

func TestDialectTime(t *testing.T) {
	legacy := chfx.DialectFor(chfx.Version{Major: 18, Minor: 16, Patch: 1})
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2025, 11, 20, 15, 0, 0, 123456789, jst) // 06:00:00.123 UTC
	const ms = uint64(1763618400123)

	tests := []struct {
		name string
		got  any
		want any
	}{
		{name: "current time", got: chfx.Current.Time(at), want: time.Date(2025, 11, 20, 6, 0, 0, 123000000, time.UTC)},
		{name: "legacy time", got: legacy.Time(at), want: ms},
		{name: "legacy before epoch", got: legacy.Time(time.Unix(-5, 0)), want: uint64(0)},
		{name: "current nil", got: chfx.Current.NullableTime(nil), want: (*time.Time)(nil)},
		{name: "legacy nil", got: legacy.NullableTime(nil), want: (*uint64)(nil)},
		{name: "current value", got: chfx.Current.NullableTime(&at), want: ptr(time.Date(2025, 11, 20, 6, 0, 0, 123000000, time.UTC))},
		{name: "legacy value", got: legacy.NullableTime(&at), want: ptr(ms)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}
