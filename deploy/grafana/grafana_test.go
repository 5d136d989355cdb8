// Package grafana_test checks the Grafana provisioning and dashboards under
// deploy/grafana: the files parse, every panel uses a provisioned data
// source, every Prometheus metric a panel asks for is one the code registers,
// and every ClickHouse query runs on the migrated schema and returns the rows
// it should (clickhouse_test.go).
package grafana_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// currentSchemaVersion is the dashboard schema version of current Grafana
// (12.x). Grafana migrates older dashboards on load; new ones are written at
// the current version so that nothing is rewritten behind the author's back.
const currentSchemaVersion = 42

// Data source types of the provisioned sources.
const (
	typeClickHouse = "grafana-clickhouse-datasource"
	typePrometheus = "prometheus"
)

// ClickHouse query formats (the backend's sqlutil.FormatQueryOption).
const (
	formatTimeSeries = 0
	formatTable      = 1
)

type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// target is one query of a panel or an annotation, in the models of the
// ClickHouse plugin (v4: editorType, rawSql, format, queryType) and of the
// Prometheus data source (expr).
type target struct {
	RefID      string `json:"refId"`
	Datasource *dsRef `json:"datasource"`
	EditorType string `json:"editorType"`
	RawSQL     string `json:"rawSql"`
	Format     *int   `json:"format"`
	QueryType  string `json:"queryType"`
	Expr       string `json:"expr"`
}

type panel struct {
	ID         int      `json:"id"`
	Type       string   `json:"type"`
	Title      string   `json:"title"`
	Datasource *dsRef   `json:"datasource"`
	Targets    []target `json:"targets"`
	Panels     []panel  `json:"panels"` // a collapsed row's panels
	GridPos    struct {
		X int `json:"x"`
		Y int `json:"y"`
		W int `json:"w"`
		H int `json:"h"`
	} `json:"gridPos"`
}

type dashboard struct {
	File          string `json:"-"`
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Refresh       string `json:"refresh"`
	Time          struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"time"`
	Panels      []panel `json:"panels"`
	Annotations struct {
		List []struct {
			Name       string  `json:"name"`
			BuiltIn    int     `json:"builtIn"`
			Datasource *dsRef  `json:"datasource"`
			Target     *target `json:"target"`
		} `json:"list"`
	} `json:"annotations"`
}

// query is one query of a dashboard with where it comes from.
type query struct {
	// Key is "<dashboard uid>/<panel or annotation title>/<refId>".
	Key    string
	DS     dsRef
	Target target
}

// loadDashboards parses every dashboards/*.json file.
func loadDashboards(t *testing.T) []dashboard {
	t.Helper()
	files, err := filepath.Glob("dashboards/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no dashboards under dashboards/")
	var out []dashboard
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var d dashboard
		require.NoError(t, json.Unmarshal(raw, &d), "%s is not valid dashboard JSON", f)
		d.File = f
		out = append(out, d)
	}
	return out
}

// allPanels returns the dashboard's panels, those inside collapsed rows
// included, rows excluded.
func allPanels(d dashboard) []panel {
	var out []panel
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if p.Type != "row" {
				out = append(out, p)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

// queries returns every query of the dashboards, panels and annotations,
// with the data source each one runs on (the target's, else the panel's).
func queries(t *testing.T, ds []dashboard) []query {
	t.Helper()
	var out []query
	for _, d := range ds {
		for _, p := range allPanels(d) {
			for _, tg := range p.Targets {
				ref := tg.Datasource
				if ref == nil {
					ref = p.Datasource
				}
				require.NotNil(t, ref, "%s: panel %q target %s has no data source", d.File, p.Title, tg.RefID)
				out = append(out, query{Key: d.UID + "/" + p.Title + "/" + tg.RefID, DS: *ref, Target: tg})
			}
		}
		for _, a := range d.Annotations.List {
			if a.BuiltIn == 1 {
				continue
			}
			require.NotNil(t, a.Datasource, "%s: annotation %q has no data source", d.File, a.Name)
			require.NotNil(t, a.Target, "%s: annotation %q has no target", d.File, a.Name)
			out = append(out, query{Key: d.UID + "/" + a.Name + "/" + a.Target.RefID, DS: *a.Datasource, Target: *a.Target})
		}
	}
	return out
}

func queriesOn(t *testing.T, dsType string) []query {
	t.Helper()
	var out []query
	for _, q := range queries(t, loadDashboards(t)) {
		if q.DS.Type == dsType {
			out = append(out, q)
		}
	}
	require.NotEmpty(t, out, "no %s queries in the dashboards", dsType)
	return out
}

type provisionedDatasource struct {
	Name           string            `yaml:"name"`
	UID            string            `yaml:"uid"`
	Type           string            `yaml:"type"`
	Access         string            `yaml:"access"`
	URL            string            `yaml:"url"`
	JSONData       map[string]any    `yaml:"jsonData"`
	SecureJSONData map[string]string `yaml:"secureJsonData"`
}

// provisioned returns the provisioned data sources by uid.
func provisioned(t *testing.T) map[string]provisionedDatasource {
	t.Helper()
	raw, err := os.ReadFile("provisioning/datasources/datasources.yaml")
	require.NoError(t, err)
	var f struct {
		APIVersion  int                     `yaml:"apiVersion"`
		Datasources []provisionedDatasource `yaml:"datasources"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &f))
	require.Equal(t, 1, f.APIVersion)
	out := map[string]provisionedDatasource{}
	for _, d := range f.Datasources {
		require.NotEmpty(t, d.UID, "data source %q has no uid", d.Name)
		_, dup := out[d.UID]
		require.False(t, dup, "data source uid %q twice", d.UID)
		out[d.UID] = d
	}
	return out
}

func TestDatasourcesProvisioning(t *testing.T) {
	ds := provisioned(t)
	require.Len(t, ds, 2)

	prom := ds["prometheus"]
	assert.Equal(t, typePrometheus, prom.Type)
	assert.Equal(t, "http://prometheus:9090", prom.URL)
	assert.Equal(t, "proxy", prom.Access)

	ch := ds["clickhouse"]
	assert.Equal(t, typeClickHouse, ch.Type)
	assert.Equal(t, "clickhouse", ch.JSONData["host"])
	assert.Equal(t, 9000, ch.JSONData["port"])
	assert.Equal(t, "native", ch.JSONData["protocol"])
	assert.Equal(t, "analyst", ch.JSONData["username"])
	// The dashboards' SQL names tables without a database: it is this one.
	assert.Equal(t, "carrywatch", ch.JSONData["defaultDatabase"])
	assert.Equal(t, map[string]string{"password": "$__env{CW_CLICKHOUSE_ANALYST_PASSWORD}"}, ch.SecureJSONData)
}

func TestDashboardProviderProvisioning(t *testing.T) {
	raw, err := os.ReadFile("provisioning/dashboards/dashboards.yaml")
	require.NoError(t, err)
	var f struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name    string `yaml:"name"`
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &f))
	require.Equal(t, 1, f.APIVersion)
	require.Len(t, f.Providers, 1)
	assert.Equal(t, "file", f.Providers[0].Type)
	assert.Equal(t, "/var/lib/grafana/dashboards", f.Providers[0].Options.Path)
}

// TestKustomization checks that the ConfigMaps hold the provisioning files
// and every dashboard, so a new dashboard cannot be left out of Kubernetes.
func TestKustomization(t *testing.T) {
	raw, err := os.ReadFile("kustomization.yaml")
	require.NoError(t, err)
	var k struct {
		Kind             string `yaml:"kind"`
		Namespace        string `yaml:"namespace"`
		GeneratorOptions struct {
			DisableNameSuffixHash bool `yaml:"disableNameSuffixHash"`
		} `yaml:"generatorOptions"`
		ConfigMapGenerator []struct {
			Name  string   `yaml:"name"`
			Files []string `yaml:"files"`
		} `yaml:"configMapGenerator"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &k))
	assert.Equal(t, "Kustomization", k.Kind)
	assert.Empty(t, k.Namespace, "the overlay sets the namespace")
	assert.True(t, k.GeneratorOptions.DisableNameSuffixHash, "deployments mount the ConfigMaps by their plain names")

	files := map[string][]string{}
	for _, g := range k.ConfigMapGenerator {
		files[g.Name] = g.Files
		for _, f := range g.Files {
			assert.FileExists(t, f, "ConfigMap %s", g.Name)
		}
	}
	dashboards, err := filepath.Glob("dashboards/*.json")
	require.NoError(t, err)
	got := slices.Clone(files["grafana-dashboards"])
	sort.Strings(got)
	sort.Strings(dashboards)
	assert.Equal(t, map[string][]string{
		"grafana-datasources":        {"provisioning/datasources/datasources.yaml"},
		"grafana-dashboard-provider": {"provisioning/dashboards/dashboards.yaml"},
		"grafana-dashboards":         got,
	}, files)
	assert.Equal(t, dashboards, got, "grafana-dashboards must hold every dashboards/*.json")
}

func TestDashboards(t *testing.T) {
	sources := provisioned(t)
	ds := loadDashboards(t)
	uids := map[string]string{}
	titles := map[string]string{}
	for _, d := range ds {
		t.Run(filepath.Base(d.File), func(t *testing.T) {
			require.NotEmpty(t, d.UID)
			require.LessOrEqual(t, len(d.UID), 40, "Grafana uids are at most 40 characters")
			if prev, dup := uids[d.UID]; dup {
				t.Errorf("uid %q is used by %s and %s", d.UID, prev, d.File)
			}
			uids[d.UID] = d.File
			if prev, dup := titles[d.Title]; dup {
				t.Errorf("title %q is used by %s and %s", d.Title, prev, d.File)
			}
			titles[d.Title] = d.File
			assert.True(t, strings.HasPrefix(d.Title, "carrywatch — "), "title %q", d.Title)
			assert.Equal(t, currentSchemaVersion, d.SchemaVersion)
			assert.NotEmpty(t, d.Refresh, "refresh")
			assert.True(t, strings.HasPrefix(d.Time.From, "now-"), "time.from %q", d.Time.From)
			assert.Equal(t, "now", d.Time.To)

			ids := map[int]bool{}
			var walk func([]panel)
			walk = func(ps []panel) {
				for _, p := range ps {
					assert.False(t, ids[p.ID], "panel id %d twice", p.ID)
					ids[p.ID] = true
					assert.NotEmpty(t, p.Title, "panel %d has no title", p.ID)
					assert.LessOrEqual(t, p.GridPos.X+p.GridPos.W, 24, "panel %q is wider than the grid", p.Title)
					assert.Positive(t, p.GridPos.W, "panel %q width", p.Title)
					assert.Positive(t, p.GridPos.H, "panel %q height", p.Title)
					if p.Type != "row" {
						assert.NotEmpty(t, p.Targets, "panel %q has no query", p.Title)
					}
					walk(p.Panels)
				}
			}
			walk(d.Panels)

			for _, q := range queries(t, []dashboard{d}) {
				src, ok := sources[q.DS.UID]
				if !assert.True(t, ok, "%s: data source uid %q is not provisioned", q.Key, q.DS.UID) {
					continue
				}
				assert.Equal(t, src.Type, q.DS.Type, "%s: data source type", q.Key)
				assert.NotEmpty(t, q.Target.RefID, "%s: refId", q.Key)
				switch q.DS.Type {
				case typeClickHouse:
					assert.Equal(t, "sql", q.Target.EditorType, "%s: editorType", q.Key)
					assert.NotEmpty(t, strings.TrimSpace(q.Target.RawSQL), "%s: rawSql", q.Key)
					if assert.NotNil(t, q.Target.Format, "%s: format", q.Key) {
						want := map[int]string{formatTimeSeries: "timeseries", formatTable: "table"}[*q.Target.Format]
						assert.NotEmpty(t, want, "%s: format %d is neither time series (0) nor table (1)", q.Key, *q.Target.Format)
						assert.Equal(t, want, q.Target.QueryType, "%s: queryType matches format", q.Key)
					}
				case typePrometheus:
					assert.NotEmpty(t, strings.TrimSpace(q.Target.Expr), "%s: expr", q.Key)
				}
			}
		})
	}
}
