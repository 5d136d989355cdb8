package backtest

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// RenderHTML writes a self-contained HTML page (no scripts, no external
// style sheets or fonts): the title, a summary line, a warning that counts
// the rejected input lines by code if there are any (Options.Rejected), the
// SVG chart of RenderSVG inline, a table of regime changes, a table of
// trigger episodes and, if there are any, a table of the rejected lines. The bytes are a pure function of the arguments. It returns an
// error wrapping ErrNoPrints, ErrNilPrint or ErrBadOptions for such input,
// and the writer's error otherwise.
func RenderHTML(w io.Writer, prints []*event.RiskScore, inputs []event.Event, opts Options) error {
	d, st, err := prepare(prints, inputs, opts)
	if err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	tmpl, err := pageTemplate()
	if err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, newPage(d, st, opts.Rejected)); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

type page struct {
	Title    string
	Summary  string
	SVG      template.HTML // encodeSVG escapes every text and attribute
	Changes  []changeRow
	Episodes []episodeRow
	// RejectedSummary counts the rejected input lines by code; Rejected
	// lists them.
	RejectedSummary string
	Rejected        []rejectedRow
}

type changeRow struct {
	At, Seq, From, FromClass, To, ToClass, Index, Triggers string
}

type episodeRow struct {
	Trigger, From, To, Duration, Prints, Peak string
}

type rejectedRow struct {
	Line, Code, Reason string
}

func newPage(d *drawing, st *story, rejected []RejectedLine) page {
	versions, hashes := st.modelVersions()
	p := page{
		Title: d.title,
		Summary: fmt.Sprintf("%s → %s UTC · %d prints · model %s · calibration %s", utc(st.start), utc(st.end), len(st.prints),
			strings.Join(versions, ", "), strings.Join(hashes, ", ")),
		SVG:             template.HTML(encodeSVG(d)), // trusted: encodeSVG escapes every text and attribute
		Changes:         changeRows(st),
		Episodes:        episodeRows(st),
		RejectedSummary: SummarizeRejected(rejected),
	}
	if len(st.absent) > 0 {
		p.Summary += " · not in the input: " + strings.Join(st.absent, ", ")
	}
	for _, r := range rejected {
		p.Rejected = append(p.Rejected, rejectedRow{Line: fmt.Sprint(r.Line), Code: r.Code, Reason: r.Reason})
	}
	return p
}

// changeRows are the rows of the regime-change table, as the HTML page and
// the PNG show them.
func changeRows(st *story) []changeRow {
	var rows []changeRow
	for _, c := range st.changes {
		from := c.from
		if from == "" {
			from = "(start)"
		}
		rows = append(rows, changeRow{
			At: utc(c.at), Seq: fmt.Sprint(c.seq),
			From: from, FromClass: regimeClass(c.from), To: c.to, ToClass: regimeClass(c.to),
			Index: fmt.Sprintf("%.1f", c.index), Triggers: strings.Join(c.triggers, ", "),
		})
	}
	return rows
}

// episodeRows are the rows of the trigger-episode table, as the HTML page
// and the PNG show them.
func episodeRows(st *story) []episodeRow {
	var rows []episodeRow
	for _, e := range st.episodes {
		to, dur := utc(e.to), duration(e.to.Sub(e.from))
		if e.open {
			to, dur = "still active", "≥ "+dur
		}
		rows = append(rows, episodeRow{
			Trigger: e.trigger, From: utc(e.from), To: to, Duration: dur,
			Prints: fmt.Sprint(e.prints), Peak: fmt.Sprintf("%.1f", e.peak),
		})
	}
	return rows
}

// regimeClass is the CSS class of a regime badge.
func regimeClass(regime string) string {
	switch regime {
	case event.RegimeCalm, event.RegimeWatch, event.RegimeElevated, event.RegimeStress:
		return "r-" + regime
	case "":
		return "r-none"
	}
	return "r-other"
}

var pageTemplate = sync.OnceValues(func() (*template.Template, error) {
	return template.New("page").Parse(pageHTML)
})

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; background: #fff; margin: 24px auto; max-width: 1320px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.summary { color: #666; margin: 0 0 16px; }
p.warning { background: #fdecea; border-left: 4px solid #c62828; padding: 6px 10px; margin: 0 0 16px; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
th { color: #555; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-weight: 600; }
.r-calm { background: #3f8f45; } .r-watch { background: #e0b000; color: #222; }
.r-elevated { background: #e8710a; } .r-stress { background: #c62828; }
.r-other { background: #666; } .r-none { background: none; color: #666; font-weight: normal; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="summary">{{.Summary}}</p>
{{- if .RejectedSummary}}
<p class="warning" id="rejected-summary">{{.RejectedSummary}}: the model never saw them (<a href="#rejected-lines">list</a>).</p>
{{- end}}
<figure>
{{.SVG}}</figure>
<h2>Regime changes</h2>
<table id="regime-changes">
<thead><tr><th>event time (UTC)</th><th>stream seq</th><th>from</th><th>to</th><th>index</th><th>active triggers</th></tr></thead>
<tbody>
{{- range .Changes}}
<tr><td>{{.At}}</td><td class="num">{{.Seq}}</td><td><span class="badge {{.FromClass}}">{{.From}}</span></td><td><span class="badge {{.ToClass}}">{{.To}}</span></td><td class="num">{{.Index}}</td><td>{{.Triggers}}</td></tr>
{{- end}}
</tbody>
</table>
<h2>Trigger episodes</h2>
<table id="trigger-episodes">
<thead><tr><th>trigger</th><th>from (UTC)</th><th>to (UTC)</th><th>duration</th><th>prints</th><th>peak index</th></tr></thead>
<tbody>
{{- range .Episodes}}
<tr><td>{{.Trigger}}</td><td>{{.From}}</td><td>{{.To}}</td><td>{{.Duration}}</td><td class="num">{{.Prints}}</td><td class="num">{{.Peak}}</td></tr>
{{- else}}
<tr><td colspan="6">no trigger fired in the period</td></tr>
{{- end}}
</tbody>
</table>
{{- if .Rejected}}
<h2>Rejected input lines</h2>
<table id="rejected-lines">
<thead><tr><th>line</th><th>code</th><th>reason</th></tr></thead>
<tbody>
{{- range .Rejected}}
<tr><td class="num">{{.Line}}</td><td>{{.Code}}</td><td>{{.Reason}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
</body>
</html>
`
