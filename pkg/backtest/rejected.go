package backtest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// RejectedLine is a line of a backtest's input that is not a valid event,
// so the model never saw it.
type RejectedLine struct {
	// Line is the 1-based line number in the input.
	Line int
	// Code names the rule the line broke, as event.Code does: malformed,
	// unknown_schema, out_of_range, …
	Code string
	// Reason says what was wrong, for people.
	Reason string
}

// String writes the line as "line 7: out_of_range: yield_pct: …".
func (r RejectedLine) String() string {
	return fmt.Sprintf("line %d: %s: %s", r.Line, r.Code, r.Reason)
}

// SummarizeRejected says how many lines were rejected and why, grouped by
// code, most frequent first and ties by code: "3 lines rejected: 2 ×
// unknown_schema, 1 × malformed". It returns "" for no lines.
func SummarizeRejected(lines []RejectedLine) string {
	if len(lines) == 0 {
		return ""
	}
	counts := map[string]int{}
	for _, l := range lines {
		counts[l.Code]++
	}
	codes := make([]string, 0, len(counts))
	for c := range counts {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	groups := make([]string, len(codes))
	for i, c := range codes {
		groups[i] = fmt.Sprintf("%d × %s", counts[c], c)
	}
	return plural(len(lines), "line") + " rejected: " + strings.Join(groups, ", ")
}

// plural writes "1 line", "3 lines".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
