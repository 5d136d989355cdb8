package feedtext

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestText(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    string
		wantErr error
	}{
		{name: "plain", body: "a,b\n", want: "a,b\n"},
		{name: "byte-order mark dropped", body: "\ufeffa,b\n", want: "a,b\n"},
		{name: "blank", body: " \n\t", wantErr: ErrEmpty},
		{name: "only a byte-order mark", body: "\ufeff\n", wantErr: ErrEmpty},
		{name: "binary", body: "\xff\xfe\x00a", wantErr: ErrNotUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Text([]byte(tt.body))
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestTrimKeepsNonUTF8(t *testing.T) {
	got, err := Trim([]byte("\ufeff\x82\xa0"))
	assert.NoError(t, err)
	assert.Equal(t, "\x82\xa0", string(got))
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
