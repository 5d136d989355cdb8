package chschema_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chschema"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    chschema.Version
		wantErr bool
	}{
		{in: "18.16.1", want: chschema.Version{Major: 18, Minor: 16, Patch: 1}},
		{in: "26.7.2.1", want: chschema.Version{Major: 26, Minor: 7, Patch: 2}},
		{in: "24.3.1.2672-lts", want: chschema.Version{Major: 24, Minor: 3, Patch: 1}},
		{in: "25.8", want: chschema.Version{Major: 25, Minor: 8}},
		{in: " 19.3.4\n", want: chschema.Version{Major: 19, Minor: 3, Patch: 4}},
		{in: "", wantErr: true},
		{in: "v20.1", wantErr: true},
		{in: "twenty", wantErr: true},
		{in: "99999999999999999999.1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := chschema.ParseVersion(tt.in)
			if tt.wantErr {
				assert.ErrorIs(t, err, chschema.ErrBadVersion)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDialectFor(t *testing.T) {
	tests := []struct {
		version                               chschema.Version
		wantDT64, wantLC, wantCodecs, wantTTL bool
		wantAddColumnIfNot                    bool
	}{
		{version: chschema.Version{Major: 18, Minor: 16, Patch: 1}},
		{version: chschema.Version{Major: 19, Minor: 1}, wantCodecs: true},
		{version: chschema.Version{Major: 19, Minor: 3}, wantCodecs: true, wantLC: true},
		{version: chschema.Version{Major: 19, Minor: 5, Patch: 99}, wantCodecs: true, wantLC: true},
		{version: chschema.Version{Major: 19, Minor: 6}, wantCodecs: true, wantLC: true, wantTTL: true},
		{version: chschema.Version{Major: 19, Minor: 17}, wantCodecs: true, wantLC: true, wantTTL: true},
		{version: chschema.Version{Major: 20, Minor: 1}, wantCodecs: true, wantLC: true, wantTTL: true, wantDT64: true, wantAddColumnIfNot: true},
		{version: chschema.Version{Major: 26, Minor: 7, Patch: 2}, wantCodecs: true, wantLC: true, wantTTL: true, wantDT64: true, wantAddColumnIfNot: true},
	}
	for _, tt := range tests {
		t.Run(tt.version.String(), func(t *testing.T) {
			d := chschema.DialectFor(tt.version)
			assert.Equal(t, tt.version, d.Version)
			assert.Equal(t, tt.wantDT64, d.DateTime64, "DateTime64")
			assert.Equal(t, tt.wantLC, d.LowCardinality, "LowCardinality")
			assert.Equal(t, tt.wantCodecs, d.Codecs, "Codecs")
			assert.Equal(t, tt.wantTTL, d.TTL, "TTL")
			assert.Equal(t, tt.wantAddColumnIfNot, d.AddColumnIfNotExists, "AddColumnIfNotExists")
		})
	}
	assert.True(t, chschema.Current.DateTime64 && chschema.Current.LowCardinality && chschema.Current.Codecs && chschema.Current.TTL && chschema.Current.AddColumnIfNotExists)
	assert.Equal(t, 26, chschema.Current.Major)
}

func TestDialectTime(t *testing.T) {
	legacy := chschema.DialectFor(chschema.Version{Major: 18, Minor: 16, Patch: 1})
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2025, 11, 20, 15, 0, 0, 123456789, jst) // 06:00:00.123 UTC
	const ms = uint64(1763618400123)

	tests := []struct {
		name string
		got  any
		want any
	}{
		{name: "current time", got: chschema.Current.Time(at), want: time.Date(2025, 11, 20, 6, 0, 0, 123000000, time.UTC)},
		{name: "legacy time", got: legacy.Time(at), want: ms},
		{name: "legacy before epoch", got: legacy.Time(time.Unix(-5, 0)), want: uint64(0)},
		{name: "current nil", got: chschema.Current.NullableTime(nil), want: (*time.Time)(nil)},
		{name: "legacy nil", got: legacy.NullableTime(nil), want: (*uint64)(nil)},
		{name: "current value", got: chschema.Current.NullableTime(&at), want: ptr(time.Date(2025, 11, 20, 6, 0, 0, 123000000, time.UTC))},
		{name: "legacy value", got: legacy.NullableTime(&at), want: ptr(ms)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}
