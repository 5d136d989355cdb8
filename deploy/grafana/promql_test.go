package grafana_test

import (
	"go/ast"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/deploy/internal/gosrc"
)

// suffixes are the series histograms and summaries expose besides their name.
var suffixes = map[string][]string{
	"HistogramOpts": {"_bucket", "_sum", "_count"},
	"SummaryOpts":   {"_sum", "_count"},
}

// registeredMetrics parses the Go sources under root (tests excluded) and
// returns every series name a prometheus.*Opts{Name: "cw_…"} literal
// registers, with the histogram and summary suffixes, mapped to the opts type.
func registeredMetrics(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := gosrc.Inspect(root, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "prometheus" || !strings.HasSuffix(sel.Sel.Name, "Opts") {
			return true
		}
		// The full name is Namespace_Subsystem_Name, as prometheus.BuildFQName.
		var parts [3]string
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, ok := kv.Key.(*ast.Ident)
			val, isLit := kv.Value.(*ast.BasicLit)
			if !ok || !isLit || val.Kind != token.STRING {
				continue
			}
			s, err := strconv.Unquote(val.Value)
			if err != nil {
				continue
			}
			switch key.Name {
			case "Namespace":
				parts[0] = s
			case "Subsystem":
				parts[1] = s
			case "Name":
				parts[2] = s
			}
		}
		if parts[2] == "" {
			return true
		}
		var nonEmpty []string
		for _, p := range parts {
			if p != "" {
				nonEmpty = append(nonEmpty, p)
			}
		}
		name := strings.Join(nonEmpty, "_")
		if !strings.HasPrefix(name, "cw_") {
			return true
		}
		out[name] = sel.Sel.Name
		for _, s := range suffixes[sel.Sel.Name] {
			out[name+s] = sel.Sel.Name
		}
		return true
	})
	require.NoError(t, err)
	return out
}

var (
	// PromQL string literals, label matchers, range and subquery brackets,
	// and grouping clauses: none of them holds a metric name.
	rePromString   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	rePromBraces   = regexp.MustCompile(`\{[^{}]*\}`)
	rePromBrackets = regexp.MustCompile(`\[[^\[\]]*\]`)
	rePromGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	rePromIdent    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
	promKeywords   = map[string]bool{
		"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
		"bool": true, "offset": true, "and": true, "or": true, "unless": true, "atan2": true,
		"inf": true, "nan": true,
	}
)

// metricNames returns the metric names a PromQL expression selects: the
// identifiers left once strings, label matchers, ranges and grouping clauses
// are removed, that are neither function calls nor keywords.
func metricNames(expr string) []string {
	s := rePromString.ReplaceAllString(expr, `""`)
	s = rePromBraces.ReplaceAllString(s, " ")
	s = rePromBrackets.ReplaceAllString(s, " ")
	s = rePromGrouping.ReplaceAllString(s, " ")
	seen := map[string]bool{}
	var out []string
	for _, loc := range rePromIdent.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		if loc[0] > 0 && strings.ContainsAny(s[loc[0]-1:loc[0]], "0123456789.$") {
			continue // 5m, 1e3, $__interval
		}
		if rest := strings.TrimLeft(s[loc[1]:], " \t\n"); strings.HasPrefix(rest, "(") {
			continue // a function or an aggregation
		}
		if promKeywords[strings.ToLower(name)] || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestMetricNames(t *testing.T) {
	for expr, want := range map[string][]string{
		`cw_sink_ready`: {"cw_sink_ready"},
		`sum by (table) (rate(cw_sink_rows_inserted_total[$__rate_interval]))`:                                      {"cw_sink_rows_inserted_total"},
		`histogram_quantile(0.99, sum by (le, table) (rate(cw_sink_batch_duration_seconds_bucket{table="x"}[5m])))`: {"cw_sink_batch_duration_seconds_bucket"},
		`time() - max by (source) (cw_feed_last_success_timestamp_seconds)`:                                         {"cw_feed_last_success_timestamp_seconds"},
		`sum(rate(a_total{code=~"bad|x{1}"}[1m] offset 5m)) / on (job) group_left sum(b) > bool 1e3`:                {"a_total", "b"},
		`sum(x) without (instance) unless y or z and w`:                                                             {"w", "x", "y", "z"},
		`max_over_time(cw_scorer_index[1h:1m])`:                                                                     {"cw_scorer_index"},
	} {
		assert.Equal(t, want, metricNames(expr), expr)
	}
}

func TestRegisteredMetrics(t *testing.T) {
	reg := registeredMetrics(t, "../../pkg")
	// A few known series, so the parser cannot silently find nothing.
	for name, opts := range map[string]string{
		"cw_sink_rows_inserted_total":            "CounterOpts",
		"cw_sink_consumer_lag_messages":          "GaugeOpts",
		"cw_sink_batch_duration_seconds_bucket":  "HistogramOpts",
		"cw_feed_last_success_timestamp_seconds": "GaugeOpts",
		"cw_scorer_index":                        "GaugeOpts",
	} {
		assert.Equal(t, opts, reg[name], name)
	}
	assert.NotContains(t, reg, "cw_sink_rows_inserted_total_bucket", "counters have no buckets")
}

// TestPromQLUsesRegisteredMetrics checks that every metric a Prometheus
// panel selects is registered by carrywatch's code, and that the dashboards
// cover the sink, feed and dead-letter series operators need.
func TestPromQLUsesRegisteredMetrics(t *testing.T) {
	reg := registeredMetrics(t, "../../pkg")
	used := map[string]bool{}
	for _, q := range queriesOn(t, typePrometheus) {
		names := metricNames(q.Target.Expr)
		assert.NotEmpty(t, names, "%s: no metric in %q", q.Key, q.Target.Expr)
		for _, n := range names {
			used[n] = true
			assert.Contains(t, reg, n, "%s: %s is not registered under pkg/ (expr %q)", q.Key, n, q.Target.Expr)
		}
		assert.Equal(t, strings.Count(q.Target.Expr, "("), strings.Count(q.Target.Expr, ")"), "%s: unbalanced parentheses", q.Key)
	}
	for _, n := range []string{
		"cw_feed_last_success_timestamp_seconds",
		"cw_sink_rows_inserted_total",
		"cw_sink_consumer_lag_messages",
		"cw_sink_insert_failures_total",
		"cw_sink_batch_duration_seconds_bucket",
		"cw_sink_dead_letters_total",
	} {
		assert.True(t, used[n], "no panel shows %s", n)
	}
}
