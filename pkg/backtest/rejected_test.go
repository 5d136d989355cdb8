package backtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSummarizeRejected(t *testing.T) {
	line := func(n int, code string) RejectedLine { return RejectedLine{Line: n, Code: code, Reason: "why"} }
	tests := []struct {
		name  string
		lines []RejectedLine
		want  string
	}{
		{name: "none", want: ""},
		{name: "one", lines: []RejectedLine{line(4, "malformed")}, want: "1 line rejected: 1 × malformed"},
		{
			name:  "most frequent first, ties by code",
			lines: []RejectedLine{line(2, "out_of_range"), line(3, "unknown_schema"), line(5, "malformed"), line(9, "unknown_schema")},
			want:  "4 lines rejected: 2 × unknown_schema, 1 × malformed, 1 × out_of_range",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, SummarizeRejected(tt.lines))
		})
	}
	assert.Equal(t, "line 7: out_of_range: yield_pct: too high",
		RejectedLine{Line: 7, Code: "out_of_range", Reason: "yield_pct: too high"}.String())
}

var demoRejected = []RejectedLine{
	{Line: 3, Code: "malformed", Reason: "malformed message: invalid character 'h' in literal true"},
	{Line: 8, Code: "unknown_schema", Reason: `schema: unknown schema: "cw.<nope>/v1"`},
	{Line: 12, Code: "unknown_schema", Reason: `schema: unknown schema: "cw.other/v1"`},
}

// The HTML page warns about rejected lines at the top and lists each one;
// without any it shows neither.
func TestRenderHTMLRejectedLines(t *testing.T) {
	prints, inputs := demoPrints(50), demoInputs()
	page := string(render(t, RenderHTML, prints, inputs, Options{Rejected: demoRejected}))

	assert.Contains(t, page, `<p class="warning" id="rejected-summary">3 lines rejected: 2 × unknown_schema, 1 × malformed: the model never saw them`)
	assert.Less(t, strings.Index(page, `id="rejected-summary"`), strings.Index(page, "<figure>"), "the warning comes before the chart")
	assert.Contains(t, page, `<table id="rejected-lines">`)
	for _, row := range []string{
		`<tr><td class="num">3</td><td>malformed</td><td>malformed message: invalid character &#39;h&#39; in literal true</td></tr>`,
		`<tr><td class="num">8</td><td>unknown_schema</td><td>schema: unknown schema: &#34;cw.&lt;nope&gt;/v1&#34;</td></tr>`,
		`<tr><td class="num">12</td><td>unknown_schema</td><td>schema: unknown schema: &#34;cw.other/v1&#34;</td></tr>`,
	} {
		assert.Contains(t, page, row)
	}

	clean := string(render(t, RenderHTML, prints, inputs, Options{}))
	assert.NotContains(t, clean, "rejected")
}

// Every chart's subtitle counts the rejected lines.
func TestRenderSVGCountsRejectedLines(t *testing.T) {
	doc := parseSVG(t, render(t, RenderSVG, demoPrints(50), demoInputs(), Options{Rejected: demoRejected}))
	assert.Contains(t, doc.textID["subtitle"], " · 3 input lines rejected · ")

	doc = parseSVG(t, render(t, RenderSVG, demoPrints(50), demoInputs(), Options{Rejected: demoRejected[:1]}))
	assert.Contains(t, doc.textID["subtitle"], " · 1 input line rejected · ")

	doc = parseSVG(t, render(t, RenderSVG, demoPrints(50), demoInputs(), Options{}))
	assert.NotContains(t, doc.textID["subtitle"], "rejected")
}
