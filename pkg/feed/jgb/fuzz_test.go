package jgb_test

import (
	"bytes"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/jgb"
)

// FuzzParseMoF checks that ParseMoF never panics, rejects only with
// feed.ErrBadBody, and on success gives events that Seal and Validate at
// the fixed now with unique tenor/date keys. The seed corpus (the testdata
// files and broken variants of them) runs in every `go test`.
func FuzzParseMoF(f *testing.F) {
	files := []string{currentCP932, currentUTF8, allCP932, allUTF8, docSample, docCurrent}
	edits := [][2]string{
		{"1.881", "abc"},
		{"1.881", "-"},
		{"0.811", ""},
		{"R7.12.1,", "R7.2.30,"},
		{"R7.12.1,", "H32.1.1,"},
		{"R7.12.2,", "R7.12.1,"},
		{"R7.12.1,", "R8.1.5,"},
		{"R7.12.1,", "S49.9.24,"},
		{"10年", "10Y"},
		{"2年", "10年"},
		{",", ";"},
		{"1.02", "1e2"},
		{"1.02", "NaN"},
	}
	bodies := make([][]byte, 0, len(files))
	for _, name := range files {
		bodies = append(bodies, feedtest.Testdata(f, name))
	}
	addSeeds(f, bodies, edits,
		"",
		"基準日",
		"基準日,1年\n",
		"基準日,1年\nR1.5.7,-\n",
		"基準日,10年\nR7.12.1,1.881\nR7.12.1,1.881\n",
		"R7.12.1,1.881\n基準日,10年\n",
		"<!DOCTYPE html><html><body>404</body></html>",
		"\xff\xfe\x00\x80\x81",
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParser(t, jgb.ParseMoF, body, jgb.SourceMoF)
	})
}

// FuzzParseCSV is FuzzParseMoF for ParseCSV.
func FuzzParseCSV(f *testing.F) {
	edits := [][2]string{
		{"2025-12-01,10Y", "2025-02-30,10Y"},
		{"2025-12-01,10Y", "2025-12-01,10"},
		{"2025-12-01,10Y", "2025-12-01T15:00:00+09:00,10Y"},
		{"2025-12-01,10Y", "2025-12-01T15:00:00+09:00,2Y"},
		{"2025-12-01,10Y", "2026-12-01,10Y"},
		{"2025-12-01,10Y", "1974-09-24,10Y"},
		{"1.881", "-"},
		{"1.881", "1.8\"81"},
		{"1.881", "\"1.881\""},
		{"date,tenor,yield_pct", "tenor,yield_pct,date"},
		{"date,tenor,yield_pct", "date,tenor"},
		{"date,tenor,yield_pct", "# comment\ndate,tenor,yield_pct,note"},
	}
	addSeeds(f, [][]byte{feedtest.Testdata(f, dailyCSV)}, edits,
		"",
		"date,tenor,yield_pct\n",
		"date,tenor,yield_pct\n2025-12-01,6m,0.5\n",
		"date,tenor,yield_pct\n2025-12-01T23:59:59.9999-12:00,1Y,0.8\n2025-12-02,1Y,0.8\n",
		"# only\n",
		"<html></html>",
		"\xff\xfe\x00\x80\x81",
	)
	parse := jgb.ParseCSV("")
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParser(t, parse, body, jgb.SourceCSV)
	})
}

// checkParser holds one parse to the fuzz properties (feedtest.CheckParse)
// and a success to checkEvents, with every yield from source.
func checkParser(t *testing.T, parse feed.Parser, body []byte, source string) {
	obs, ok := feedtest.CheckParse(t, parse, body, now)
	if !ok {
		return
	}
	for _, e := range obs.Events {
		require.Equal(t, source, e.(*event.JGBYield).Source)
	}
	checkEvents(t, obs)
}

// addSeeds adds each body to the seed corpus with its broken variants and
// a copy of it for each edit (the first {old, new} replaced), then the
// extra bodies.
func addSeeds(f *testing.F, bodies [][]byte, edits [][2]string, extra ...string) {
	f.Helper()
	for _, body := range bodies {
		f.Add(body)
		for _, v := range brokenVariants(body) {
			f.Add(v)
		}
		for _, e := range edits {
			f.Add(bytes.Replace(body, []byte(e[0]), []byte(e[1]), 1))
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// brokenVariants returns damaged copies of a good body: truncated at several
// points, line ends changed, a byte flipped, the header dropped, a line
// repeated.
func brokenVariants(body []byte) [][]byte {
	n := len(body)
	flipped := bytes.Clone(body)
	flipped[n/2] ^= 0xff
	lines := bytes.SplitAfter(body, []byte("\n"))
	noHeader := bytes.Join(append(append([][]byte{}, lines[:1]...), lines[2:]...), nil)
	repeated := bytes.Join(append(append([][]byte{}, lines[:3]...), lines[2:]...), nil)
	return [][]byte{
		body[:n/2],
		body[:n-7],
		body[:n/3],
		bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")),
		bytes.ReplaceAll(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n")),
		bytes.ReplaceAll(body, []byte("\n"), []byte("\r")),
		flipped,
		noHeader,
		repeated,
	}
}
