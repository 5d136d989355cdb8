package etfflows

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAmountUSD(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		unitExp int
		want    float64
	}{
		{name: "Farside inflow", text: "849.0", unitExp: unitMillions, want: 849000000},
		{name: "Farside negative in parentheses", text: "(19.7)", unitExp: unitMillions, want: -19700000},
		{name: "Farside 2 Aug 2024 total", text: "(237.4)", unitExp: unitMillions, want: -237400000},
		{name: "thousands comma", text: "1,045.0", unitExp: unitMillions, want: 1045000000},
		{name: "thousands commas and parentheses", text: "(20,095.7)", unitExp: unitMillions, want: -20095700000},
		{name: "two decimals", text: "75.47", unitExp: unitMillions, want: 75470000},
		{name: "reported zero", text: "0.0", unitExp: unitMillions, want: 0},
		{name: "space inside parentheses", text: " ( 5.9 ) ", unitExp: unitMillions, want: -5900000},
		{name: "leading plus", text: "+1.2", unitExp: unitMillions, want: 1200000},
		{name: "dollars with cents", text: "-869860000.00", unitExp: 0, want: -869860000},
		{name: "JSON exponent", text: "5.24e8", unitExp: 0, want: 524000000},
		{name: "JSON negative exponent", text: "-5584E+5", unitExp: 0, want: -558400000},
		{name: "fraction of a dollar", text: "120000000000.25", unitExp: 0, want: 120000000000.25},
		{name: "many trailing zeros", text: "1.000000000000000000000000", unitExp: 0, want: 1},
		{name: "leading zeros", text: "000000000000000000000012.5", unitExp: 0, want: 12.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseAmount(tt.text)
			require.NoError(t, err)
			got, err := a.usd(tt.unitExp)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got) // exact: no tolerance
		})
	}
}

// TestParseAmountExact shows why amounts are read as decimals: a float
// product such as 32.2 × 1e6 (GBTC on 6 Aug 2024) is not 32200000.
func TestParseAmountExact(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int64
	}{
		{name: "GBTC 6 Aug 2024", text: "(32.2)", want: -32200000},
		{name: "ARKB 8 Aug 2024", text: "32.8", want: 32800000},
		{name: "Total 2 Aug 2024", text: "(237.4)", want: -237400000},
		{name: "Total 12 Mar 2024", text: "1,045.0", want: 1045000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseAmount(tt.text)
			require.NoError(t, err)
			usd, err := a.usd(unitMillions)
			require.NoError(t, err)
			assert.Equal(t, float64(tt.want), usd)
			d, ok := a.dollars(unitMillions)
			require.True(t, ok)
			assert.Equal(t, tt.want, d)
		})
	}

	naive, err := strconv.ParseFloat("32.2", 64)
	require.NoError(t, err)
	assert.Equal(t, 32200000.000000004, naive*1e6, "the float product is off by a rounding error")
}

func TestParseAmountZeroIsPositive(t *testing.T) {
	for _, text := range []string{"0.0", "-0.0", "(0.0)", "-0e5"} {
		a, err := parseAmount(text)
		require.NoError(t, err, text)
		usd, err := a.usd(unitMillions)
		require.NoError(t, err, text)
		assert.Equal(t, 0.0, usd, text)
		assert.False(t, math.Signbit(usd), "%s gave negative zero", text)
	}
}

func TestParseAmountErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{name: "empty", text: ""},
		{name: "blank", text: "  "},
		{name: "dash", text: "-"},
		{name: "word", text: "abc"},
		{name: "two points", text: "12.3.4"},
		{name: "bad grouping", text: "1,04.0"},
		{name: "long group", text: "1,0000"},
		{name: "empty group", text: "1,,000"},
		{name: "no integer part", text: ".5"},
		{name: "no fraction digits", text: "1."},
		{name: "sign inside parentheses", text: "(-1.0)"},
		{name: "two signs", text: "--1"},
		{name: "open parenthesis", text: "(1.0"},
		{name: "empty exponent", text: "1e"},
		{name: "five-digit exponent", text: "1e99999"},
		{name: "19 significant digits", text: "1234567890123456789"},
		{name: "infinity", text: "Inf"},
		{name: "NaN", text: "NaN"},
		{name: "hex", text: "0x10"},
		{name: "percent", text: "0.25%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseAmount(tt.text)
			assert.Error(t, err)
		})
	}
}

func TestAmountOutOfRange(t *testing.T) {
	a, err := parseAmount("1e9999")
	require.NoError(t, err)
	_, err = a.usd(0)
	assert.ErrorContains(t, err, "out of range")
	_, ok := a.dollars(0)
	assert.False(t, ok)

	a, err = parseAmount("0.0000001")
	require.NoError(t, err)
	_, ok = a.dollars(unitMillions)
	assert.False(t, ok, "a tenth of a dollar is not whole dollars")
}

func TestMillions(t *testing.T) {
	tests := []struct {
		name string
		usd  int64
		want string
	}{
		{name: "zero", usd: 0, want: "0.0"},
		{name: "one decimal", usd: -533600000, want: "-533.6"},
		{name: "whole", usd: 1045000000, want: "1045.0"},
		{name: "tolerance", usd: toleranceUSD, want: "0.15"},
		{name: "one dollar", usd: 1, want: "0.000001"},
		{name: "min int64", usd: math.MinInt64, want: "-9223372036854.775808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, millions(tt.usd))
		})
	}
}
