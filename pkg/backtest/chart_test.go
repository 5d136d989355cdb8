package backtest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

type renderFunc func(io.Writer, []*event.RiskScore, []event.Event, Options) error

var renderers = []struct {
	name   string
	render renderFunc
}{
	{"svg", RenderSVG},
	{"png", RenderPNG},
	{"html", RenderHTML},
}

func render(t *testing.T, f renderFunc, prints []*event.RiskScore, inputs []event.Event, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, f(&b, prints, inputs, opts))
	return b.Bytes()
}

// svgDoc is what the SVG tests look at: every element's id and class, and
// the text of <text> elements by class and by id.
type svgDoc struct {
	root      xml.StartElement
	title     string
	ids       map[string]xml.StartElement
	textClass map[string][]string
	textID    map[string]string
}

// parseSVG decodes b strictly as XML, failing the test on any error.
func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	doc := svgDoc{ids: map[string]xml.StartElement{}, textClass: map[string][]string{}, textID: map[string]string{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	var stack []xml.StartElement
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				doc.root = tok
			}
			stack = append(stack, tok.Copy())
			if id := attr(tok, "id"); id != "" {
				_, dup := doc.ids[id]
				require.False(t, dup, "id %q twice", id)
				doc.ids[id] = tok.Copy()
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			el := stack[len(stack)-1]
			switch {
			case el.Name.Local == "title" && len(stack) == 2:
				doc.title = string(tok)
			case el.Name.Local == "text":
				if c := attr(el, "class"); c != "" {
					doc.textClass[c] = append(doc.textClass[c], string(tok))
				}
				if id := attr(el, "id"); id != "" {
					doc.textID[id] = string(tok)
				}
			}
		}
	}
	require.Empty(t, stack, "unclosed elements")
	return doc
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func TestRenderSVG(t *testing.T) {
	opts := Options{Title: "Backtest <nov-2025> & co"}
	b := render(t, RenderSVG, demoPrints(200), demoInputs(), opts)
	doc := parseSVG(t, b)

	assert.Equal(t, "svg", doc.root.Name.Local)
	assert.Equal(t, "http://www.w3.org/2000/svg", doc.root.Name.Space)
	assert.Equal(t, "1280", attr(doc.root, "width"))
	assert.Equal(t, "1040", attr(doc.root, "height"))
	assert.Equal(t, opts.Title, doc.title)
	assert.Equal(t, opts.Title, doc.textID["title"])

	line, ok := doc.ids["index-line"]
	require.True(t, ok, "a path for the index")
	assert.Equal(t, "path", line.Name.Local)
	assert.True(t, strings.HasPrefix(attr(line, "d"), "M"), attr(line, "d"))
	assert.Greater(t, strings.Count(attr(line, "d"), "L"), 200, "a step line through 200 prints")

	assert.Equal(t, []string{"calm", "watch", "elevated", "stress"}, doc.textClass["band-label"])
	for _, b := range []string{"carry", "etf_flows", "fed_path", "infrastructure"} {
		assert.Contains(t, doc.textClass["legend"], b)
		assert.Contains(t, doc.ids, "contribution-"+b)
	}
	assert.Equal(t, []string{"POLICY_SHOCK", "VENUE_DOWN"}, doc.textClass["trigger-label"])
	assert.Equal(t, []string{"binance", "cme"}, doc.textClass["venue-label"])
	assert.Equal(t, []string{
		"(a) CLRI index (0–100 points) over its regime bands; the strip below is the regime",
		"(b) Block contributions (index points, stacked; they sum to the index)",
		"(c) Triggers (shaded while active)",
		"(d1) JGB 2Y yield (%)",
		"(d2) JGB 10Y yield (%)",
		"(d3) Fed: expected change at the next FOMC meeting (bp, Σ change × probability)",
		"(d4) ETF TOTAL net flows, BTC (US$ bn per trading day)",
		"(d5) Venue incidents (open → resolve)",
	}, doc.textClass["heading"])
	assert.Equal(t, []string{"FOMC 2025-12-10", "FOMC 2026-01-28"}, doc.textClass["fed-meeting"])
	assert.Contains(t, doc.textClass["time-tick"], "20 Nov")
	assert.Equal(t, "event time (UTC), 2025", doc.textID["x-axis-label"])
	for _, id := range []string{"panel-index", "panel-contributions", "panel-triggers", "panel-jgb-2y", "panel-jgb-10y",
		"panel-fed", "panel-etf", "panel-incidents"} {
		assert.Contains(t, doc.ids, id)
	}
	assert.NotContains(t, string(b), "NaN")
}

// The regime bands and the index axis's ticks are at the thresholds of the
// calibration that scored the prints: given, else the embedded one of the
// prints' model version.
func TestRenderBandsAtTheModelThresholds(t *testing.T) {
	v2 := demoPrints(50)
	for _, p := range v2 {
		p.ModelVersion = risk.ModelVersionV2
	}
	thr := risk.DefaultCalibration().RegimeThresholds()
	cases := []struct {
		name   string
		prints []*event.RiskScore
		opts   Options
		want   [3]float64
	}{
		{"clri-v1 prints", demoPrints(50), Options{}, [3]float64{40, 60, 75}},
		{"clri-v2 prints", v2, Options{}, thr},
		{"given", v2, Options{Thresholds: [3]float64{30, 55.5, 70}}, [3]float64{30, 55.5, 70}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := parseSVG(t, render(t, RenderSVG, tc.prints, demoInputs(), tc.opts))
			for _, v := range tc.want {
				assert.Contains(t, doc.textClass["tick"], strconv.FormatFloat(v, 'f', -1, 64), "a tick at the threshold %v", v)
			}
		})
	}
	assert.NotEqual(t, [3]float64{40, 60, 75}, thr, "clri-v2 has thresholds of its own")
}

func TestRenderSVGWithoutInputs(t *testing.T) {
	b := render(t, RenderSVG, demoPrints(20), nil, Options{})
	doc := parseSVG(t, b)
	assert.Equal(t, DefaultTitle, doc.title)
	assert.Contains(t, doc.textID["subtitle"], "not in the input: JGB yields, Fed odds, ETF flows")
	assert.NotContains(t, doc.ids, "panel-jgb-2y")
	assert.Contains(t, doc.ids, "panel-incidents")
	assert.Contains(t, string(b), "no venue incident in the period")
}

func TestRenderPNG(t *testing.T) {
	tests := []struct {
		name          string
		opts          Options
		width, height int
	}{
		{name: "default size", width: DefaultWidth, height: DefaultHeight},
		{name: "requested size", opts: Options{Width: 900, Height: 700}, width: 900, height: 700},
		{name: "smallest", opts: Options{Width: MinWidth, Height: MinHeight}, width: MinWidth, height: MinHeight},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := render(t, RenderPNG, demoPrints(200), demoInputs(), tt.opts)
			img, err := png.Decode(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, tt.width, img.Bounds().Dx())
			assert.Greater(t, img.Bounds().Dy(), tt.height, "the tables under the chart")
			colours := map[color.RGBA]bool{}
			for y := range tt.height {
				for x := range tt.width {
					colours[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
				}
			}
			assert.Greater(t, len(colours), 200, "anti-aliased lines, text and fills")
			// The stress band (light red) is drawn at the top of the index panel.
			c := color.RGBAModel.Convert(img.At(tt.width/2, topH+headH+3)).(color.RGBA)
			assert.Equal(t, color.RGBA{0xf6, 0xcd, 0xcd, 0xff}, c)
		})
	}
}

func TestRenderHTML(t *testing.T) {
	prints, inputs, opts := demoPrints(200), demoInputs(), Options{Title: "nov-2025 <replay>"}
	page := string(render(t, RenderHTML, prints, inputs, opts))
	svg := string(render(t, RenderSVG, prints, inputs, opts))

	assert.True(t, strings.HasPrefix(page, "<!DOCTYPE html>\n"))
	assert.Contains(t, page, "<title>nov-2025 &lt;replay&gt;</title>")
	assert.Contains(t, page, svg, "the SVG, inline")
	assert.Contains(t, page, `<table id="regime-changes">`)
	for _, row := range []string{
		`<tr><td>2025-11-14 00:00</td><td class="num">1000</td><td><span class="badge r-none">(start)</span></td><td><span class="badge r-calm">calm</span></td>`,
		`<td><span class="badge r-calm">calm</span></td><td><span class="badge r-watch">watch</span></td>`,
		`<td><span class="badge r-watch">watch</span></td><td><span class="badge r-elevated">elevated</span></td><td class="num">56.7</td><td>POLICY_SHOCK</td></tr>`,
		`<td><span class="badge r-watch">watch</span></td><td><span class="badge r-stress">stress</span></td><td class="num">72.7</td><td>VENUE_DOWN</td></tr>`,
	} {
		assert.Contains(t, page, row)
	}
	assert.Contains(t, page, `<table id="trigger-episodes">`)
	assert.Contains(t, page, `<tr><td>POLICY_SHOCK</td><td>2025-11-20 00:00</td><td>2025-11-21 08:24</td><td>1d 8h</td><td class="num">9</td><td class="num">59.7</td></tr>`)
	assert.Contains(t, page, `<tr><td>VENUE_DOWN</td><td>2025-11-28 13:12</td><td>2025-11-28 20:24</td><td>7h 12m</td><td class="num">2</td><td class="num">73.5</td></tr>`)
	for _, external := range []string{"<script", "<link", "src=", "@import", "url("} {
		assert.NotContains(t, page, external, "self-contained")
	}
	assert.Equal(t, 1, strings.Count(page, "http://"), "only the SVG namespace")
}

func TestRenderDeterministic(t *testing.T) {
	prints, inputs := demoPrints(200), demoInputs()
	reversed := slices.Clone(inputs)
	slices.Reverse(reversed) // no two inputs at one instant share a key, so order within an instant is moot
	for _, r := range renderers {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			want := render(t, r.render, prints, inputs, Options{})
			var wg sync.WaitGroup
			got := make([][]byte, 3)
			for i := range got {
				wg.Go(func() {
					var b bytes.Buffer
					if err := r.render(&b, prints, inputs, Options{}); err == nil {
						got[i] = b.Bytes()
					}
				})
			}
			wg.Wait()
			for _, g := range got {
				assert.True(t, bytes.Equal(want, g), "same input, same bytes")
			}
			assert.True(t, bytes.Equal(want, render(t, r.render, prints, reversed, Options{})), "input order within an instant")
		})
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name   string
		prints []*event.RiskScore
		inputs []event.Event
		opts   Options
		want   error
	}{
		{name: "no prints", want: ErrNoPrints},
		{name: "empty prints", prints: []*event.RiskScore{}, inputs: demoInputs(), want: ErrNoPrints},
		{name: "nil print", prints: []*event.RiskScore{nil}, want: ErrNilPrint},
		{name: "too narrow", prints: demoPrints(3), opts: Options{Width: 100}, want: ErrBadOptions},
		{name: "too tall", prints: demoPrints(3), opts: Options{Height: MaxHeight + 1}, want: ErrBadOptions},
		{name: "negative", prints: demoPrints(3), opts: Options{Width: -1}, want: ErrBadOptions},
		{name: "too many lanes", prints: demoPrints(3), inputs: manyVenues(60), opts: Options{Height: MinHeight}, want: ErrBadOptions},
	}
	for _, tt := range tests {
		for _, r := range renderers {
			t.Run(tt.name+"/"+r.name, func(t *testing.T) {
				var b bytes.Buffer
				err := r.render(&b, tt.prints, tt.inputs, tt.opts)
				require.ErrorIs(t, err, tt.want)
				assert.Zero(t, b.Len(), "nothing written")
			})
		}
	}
	err := RenderSVG(&bytes.Buffer{}, nil, nil, Options{})
	assert.EqualError(t, err, "render svg: no prints")
}

func manyVenues(n int) []event.Event {
	var in []event.Event
	for i := range n {
		in = append(in, &event.VenueStatus{Meta: meta("status", demoStart), Venue: "venue" + string(rune('a'+i%26)) + string(rune('a'+i/26)),
			IncidentID: "x", Action: event.ActionOpen, Severity: event.SeverityMajor, StartedAt: demoStart})
	}
	return in
}

func TestRenderWriterError(t *testing.T) {
	for _, r := range renderers {
		t.Run(r.name, func(t *testing.T) {
			assert.ErrorIs(t, r.render(&failingWriter{}, demoPrints(5), nil, Options{}), errFailingWriter)
		})
	}
}

// badNumber matches an attribute with a non-finite number.
var badNumber = regexp.MustCompile(`[a-z]="[^"]*(NaN|Inf)[^"]*"`)

func TestRenderOddPrints(t *testing.T) {
	bare := &event.RiskScore{Index: math.NaN(), Regime: "unknown", Watermark: event.Watermark{EventTime: demoStart}}
	odd := demoPrints(3)
	odd[1].Blocks[0].Contribution = math.Inf(1)
	tests := []struct {
		name   string
		prints []*event.RiskScore
	}{
		{"one print", demoPrints(1)},
		{"no blocks, NaN index, unknown regime", []*event.RiskScore{bare}},
		{"infinite contribution", odd},
	}
	for _, tt := range tests {
		for _, r := range renderers {
			t.Run(tt.name+"/"+r.name, func(t *testing.T) {
				b := render(t, r.render, tt.prints, demoInputs(), Options{})
				bad := badNumber.Find(b)
				assert.Nil(t, bad, "%s", bad) // the text may say NaN, a coordinate may not
			})
		}
	}
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	prints, inputs := demoPrints(50), demoInputs()
	tests := []struct {
		file   string
		prefix string
	}{
		{"chart.svg", "<svg "},
		{"chart.png", "\x89PNG\r\n\x1a\n"},
		{"chart.html", "<!DOCTYPE html>"},
		{"CHART.HTM", "<!DOCTYPE html>"},
		{"Chart.SVG", "<svg "},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			require.NoError(t, Render(path, prints, inputs, Options{}))
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(b, []byte(tt.prefix)), "%q…", b[:min(len(b), 16)])
		})
	}

	for _, file := range []string{"chart.pdf", "chart", "chart.svg.gz"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(dir, file)
			err := Render(path, prints, inputs, Options{})
			require.ErrorIs(t, err, ErrUnknownFormat)
			assert.NoFileExists(t, path)
		})
	}

	t.Run("failed render leaves no file", func(t *testing.T) {
		path := filepath.Join(dir, "empty.png")
		require.ErrorIs(t, Render(path, nil, inputs, Options{}), ErrNoPrints)
		assert.NoFileExists(t, path)
	})
	t.Run("unwritable path", func(t *testing.T) {
		err := Render(filepath.Join(dir, "missing", "chart.svg"), prints, inputs, Options{})
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
}
