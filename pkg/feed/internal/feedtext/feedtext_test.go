package feedtext

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTrimAndText reads every body with both Trim and Text: they agree
// but for a body that is not UTF-8, which only Text refuses.
func TestTrimAndText(t *testing.T) {
	for _, tt := range []struct {
		body             string
		trim, text       string
		trimErr, textErr error
	}{
		{body: "a,b\n", trim: "a,b\n", text: "a,b\n"},
		{body: "\ufeffa,b\n", trim: "a,b\n", text: "a,b\n"},
		{body: " \n\t", trimErr: ErrEmpty, textErr: ErrEmpty},
		{body: "\ufeff\n", trimErr: ErrEmpty, textErr: ErrEmpty},
		{body: "\ufeff\x82\xa0", trim: "\x82\xa0", textErr: ErrNotUTF8},
	} {
		got, err := Trim([]byte(tt.body))
		assert.ErrorIs(t, err, tt.trimErr, "Trim(%q)", tt.body)
		assert.Equal(t, tt.trim, string(got), "Trim(%q)", tt.body)
		got, err = Text([]byte(tt.body))
		assert.ErrorIs(t, err, tt.textErr, "Text(%q)", tt.body)
		assert.Equal(t, tt.text, string(got), "Text(%q)", tt.body)
	}
}

func TestIsDecimal(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"1.881", true}, {"2", true}, {"-0.156", true}, {"+3", true}, {".5", true}, {"5.", true},
		{"", false}, {"-", false}, {".", false}, {"1.2.3", false}, {"NaN", false}, {"Inf", false},
		{"1e5", false}, {"0x1p3", false}, {"1_000", false}, {"1,000", false}, {" 1", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IsDecimal(tt.s), "IsDecimal(%q)", tt.s)
	}
}

func TestClip(t *testing.T) {
	assert.Equal(t, "abc", Clip("abc", 3))
	assert.Equal(t, "ab…", Clip("abc", 2))
	assert.Equal(t, "基準…", Clip("基準日", 2))
}
