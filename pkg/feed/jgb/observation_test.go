package jgb

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseYield(t *testing.T) {
	tests := []struct {
		name           string
		cell           string
		blankIsMissing bool
		want           float64
		wantOK         bool
		wantErr        string
	}{
		{name: "mof value", cell: "1.881", want: 1.881, wantOK: true},
		{name: "trailing zeros dropped", cell: "2", want: 2, wantOK: true},
		{name: "negative", cell: "-0.156", want: -0.156, wantOK: true},
		{name: "plus sign", cell: "+0.5", want: 0.5, wantOK: true},
		{name: "leading dot", cell: ".5", want: 0.5, wantOK: true},
		{name: "trailing dot", cell: "1.", want: 1, wantOK: true},
		{name: "bounds", cell: "-10", want: -10, wantOK: true},
		{name: "dash is missing", cell: "-"},
		{name: "blank is missing in plain csv", cell: "", blankIsMissing: true},
		{name: "blank is an error in mof", cell: "", wantErr: `"" is not a number or "-"`},
		{name: "sign only", cell: "+", wantErr: `"+" is not a number`},
		{name: "dot only", cell: ".", wantErr: `"." is not a number`},
		{name: "two dots", cell: "1.2.3", wantErr: `"1.2.3" is not a number`},
		{name: "two signs", cell: "--1", wantErr: `"--1" is not a number`},
		{name: "exponent", cell: "1e2", wantErr: `"1e2" is not a number`},
		{name: "hex float", cell: "0x1p-2", wantErr: `"0x1p-2" is not a number`},
		{name: "underscore", cell: "1_0", wantErr: `"1_0" is not a number`},
		{name: "nan", cell: "NaN", wantErr: `"NaN" is not a number`},
		{name: "comma decimal", cell: "1,881", wantErr: `"1,881" is not a number`},
		{name: "full-width digits", cell: "１.８８１", wantErr: `"１.８８１" is not a number`},
		{name: "too high", cell: "30.001", wantErr: "30.001 % is outside [-10, 30] %"},
		{name: "too low", cell: "-10.5", wantErr: "-10.5 % is outside [-10, 30] %"},
		{name: "overflow", cell: "1" + strings.Repeat("0", 400), wantErr: `"1000000000000000000000000000000000000000…" is not a finite number`},
		{name: "long", cell: "1" + strings.Repeat("0", 100) + "x", wantErr: `"1000000000000000000000000000000000000000…" is not a number or "-"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := parseYield(tt.cell, tt.blankIsMissing)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				assert.False(t, ok)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
