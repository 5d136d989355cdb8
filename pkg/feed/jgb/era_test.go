package jgb

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEraDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // YYYY-MM-DD
		wantErr string
	}{
		{name: "reiwa", in: "R7.12.1", want: "2025-12-01"},
		{name: "reiwa two-digit month and day", in: "R7.11.28", want: "2025-11-28"},
		{name: "reiwa first day", in: "R1.5.1", want: "2019-05-01"},
		{name: "zero padded", in: "R07.01.05", want: "2025-01-05"},
		{name: "heisei last day", in: "H31.4.30", want: "2019-04-30"},
		{name: "heisei first day", in: "H1.1.8", want: "1989-01-08"},
		{name: "showa first file row", in: "S49.9.24", want: "1974-09-24"},
		{name: "showa last day", in: "S64.1.7", want: "1989-01-07"},
		{name: "taisho", in: "T10.3.1", want: "1921-03-01"},
		{name: "meiji", in: "M45.7.29", want: "1912-07-29"},
		{name: "leap day", in: "R6.2.29", want: "2024-02-29"},
		{name: "not a leap year", in: "R7.2.29", wantErr: "R7.2.29 is not a calendar date: February has no day 29"},
		{name: "30 february", in: "R7.2.30", wantErr: "R7.2.30 is not a calendar date: February has no day 30"},
		{name: "31 april", in: "R7.4.31", wantErr: "R7.4.31 is not a calendar date: April has no day 31"},
		{name: "month 0", in: "R7.0.1", wantErr: "R7.0.1 is not a calendar date"},
		{name: "day 0", in: "R7.1.0", wantErr: "R7.1.0 is not a calendar date"},
		{name: "year 0", in: "R0.5.1", wantErr: "R0.5.1 is not a calendar date"},
		{name: "heisei after its end", in: "H31.5.1", wantErr: "H31.5.1 (2019-05-01) is outside the Heisei era"},
		{name: "showa after its end", in: "S64.1.8", wantErr: "S64.1.8 (1989-01-08) is outside the Showa era"},
		{name: "heisei before its start", in: "H1.1.7", wantErr: "H1.1.7 (1989-01-07) is outside the Heisei era"},
		{name: "overlong number", in: "R12345.1.1", wantErr: `R12345.1.1: "12345" is not a year, month or day`},
		{name: "huge number", in: "R99999999999999999999.1.1", wantErr: "is not a year, month or day"},
		{name: "unknown era", in: "X7.12.1", wantErr: "not an era date like R7.12.1"},
		{name: "gregorian", in: "2025-12-01", wantErr: "not an era date like R7.12.1"},
		{name: "header", in: "基準日", wantErr: "not an era date like R7.12.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEraDate(tt.in)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Format(time.DateOnly))
			assert.Equal(t, time.UTC, got.Location())
			assert.Zero(t, got.Hour())
		})
	}
}
