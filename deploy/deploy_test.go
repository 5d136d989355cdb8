// Package deploy_test checks that the deployment files agree with each other
// and with the code: the Kubernetes overlays (rendered with kustomize), the
// docker-compose file, the Dockerfiles, the Tiltfile, Prometheus' and the
// servers' configuration. Each check reports findings instead of failing at
// once, so TestChecksCatchBrokenCopies can break a copy of the repository on
// purpose and see the right finding come out.
package deploy_test

import (
	"fmt"
	"go/ast"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/deploy/internal/gosrc"
)

// repoRoot is the repository, seen from this package's directory.
const repoRoot = ".."

// The contract between the manifests and the servers' configuration: which
// NATS and ClickHouse user each binary logs in as (empty: none).
var (
	natsUserOf = map[string]string{
		"carrywatch": "admin", "sink": "sink", "scorer": "scorer",
		"ingest-jgb": "ingest", "ingest-fedodds": "ingest", "ingest-etfflows": "ingest", "ingest-outages": "ingest", "ingest-markets": "ingest",
	}
	clickhouseUserOf = map[string]string{"carrywatch": "sink", "sink": "sink"}
)

// repo is the repository under test, or a copy of it with a file broken.
type repo struct {
	root string
	// env holds the CW_* variables the code reads, with their defaults.
	env map[string]codeVar
	// binaries are the directories under services/: one binary each.
	binaries map[string]bool
}

// codeVar is one environment variable read by the code.
type codeVar struct {
	def        string
	hasDefault bool
}

// findings collects the inconsistencies a check finds.
type findings struct{ list []string }

func (f *findings) add(format string, args ...any) {
	f.list = append(f.list, fmt.Sprintf(format, args...))
}

// loadRepo reads what the checks need from the code under root. The checks
// parse the NATS configuration, which needs setNATSConfigEnv first.
func loadRepo(t testing.TB, root string) *repo {
	t.Helper()
	env, err := codeEnv(root)
	require.NoError(t, err)
	require.Greater(t, len(env), 30, "too few CW_* variables found in the code")
	entries, err := os.ReadDir(filepath.Join(root, "services"))
	require.NoError(t, err)
	bins := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() {
			bins[e.Name()] = true
		}
	}
	require.Len(t, bins, 8, "services/")
	return &repo{root: root, env: env, binaries: bins}
}

// path joins elements to the repository root.
func (r *repo) path(elem ...string) string {
	return filepath.Join(append([]string{r.root}, elem...)...)
}

// exists reports whether the repository has the file or directory rel.
func (r *repo) exists(rel string) bool {
	_, err := os.Stat(r.path(rel))
	return err == nil
}

// codeEnv collects the variables named by `env:"CW_…"` struct tags in the
// non-test Go sources under pkg/ and services/, with their envDefault.
func codeEnv(root string) (map[string]codeVar, error) {
	out := map[string]codeVar{}
	for _, dir := range []string{"pkg", "services"} {
		// The directory may be a link (in a broken copy of the repository).
		err := gosrc.Inspect(filepath.Join(root, dir), func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || field.Tag == nil {
				return true
			}
			raw, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				return true
			}
			tag := reflect.StructTag(raw)
			name, _, _ := strings.Cut(tag.Get("env"), ",")
			if strings.HasPrefix(name, "CW_") {
				def, has := tag.Lookup("envDefault")
				out[name] = codeVar{def: def, hasDefault: has}
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// assertNoFindings runs check on the repository and fails with each finding.
func assertNoFindings(t *testing.T, check func(*repo, *findings)) {
	t.Helper()
	setNATSConfigEnv(t, repoRoot)
	r := loadRepo(t, repoRoot)
	var f findings
	check(r, &f)
	for _, s := range f.list {
		t.Error(s)
	}
}

// allChecks runs every check.
func allChecks(r *repo, f *findings) {
	checkKubernetes(r, f)
	checkCompose(r, f)
	checkDockerfiles(r, f)
	checkTiltfile(r, f)
	checkReadme(r, f)
}

// A copy of the repository broken in one place yields the finding that
// names the problem: each check can fail.
func TestChecksCatchBrokenCopies(t *testing.T) {
	tests := []struct {
		name string
		file string
		old  string
		new  string
		want string
	}{
		// Kubernetes.
		{"unknown variable in a manifest", "deploy/k8s/base/carrywatch.env", "CW_LOG_LEVEL=info", "CW_LOG_LEVL=info",
			"CW_LOG_LEVL is read by no code"},
		{"unpinned infra image", "deploy/k8s/base/nats.yaml", "image: nats:2.11", "image: nats:latest",
			"image nats:latest is not pinned"},
		{"probe on a port the container lacks", "deploy/k8s/base/scorer.yaml", "port: http\n            periodSeconds: 5", "port: 9090\n            periodSeconds: 5",
			"probe port 9090 is not a port of the container"},
		{"probe port other than CW_HTTP_ADDR", "deploy/k8s/base/carrywatch.env", "CW_HTTP_ADDR=:8080", "CW_HTTP_ADDR=:9091",
			"serves CW_HTTP_ADDR on port 9091"},
		{"missing Secret key", "deploy/k8s/base/sink.yaml", "key: nats-sink-password", "key: nats-sink-passwd",
			"key nats-sink-passwd"},
		{"missing ConfigMap", "deploy/k8s/base/ingest.yaml", "name: carrywatch-feeds", "name: carrywatch-feed",
			"ConfigMap carrywatch-feed"},
		{"Service selecting no pod", "deploy/k8s/base/nats.yaml", "  selector:\n    app.kubernetes.io/name: nats\n  ports:\n    - name: client\n      port: 4222\n      targetPort: client\n---",
			"  selector:\n    app.kubernetes.io/name: natz\n  ports:\n    - name: client\n      port: 4222\n      targetPort: client\n---",
			"Service nats selects no pod"},
		{"PDB selecting no pod", "deploy/k8s/base/scorer.yaml", "spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: scorer",
			"spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: scorers",
			"PodDisruptionBudget scorer selects no pod"},
		{"a single sink", "deploy/k8s/overlays/dev/kustomization.yaml", "count: 2", "count: 1",
			"sink has 1 replicas"},
		{"sinks on different consumers", "deploy/k8s/base/sink.yaml", "- name: CW_SINK_CONSUMER\n              value: sink", "- name: CW_SINK_CONSUMER\n              valueFrom:\n                fieldRef:\n                  fieldPath: metadata.name",
			"CW_SINK_CONSUMER must be one literal"},
		{"two NATS nodes", "deploy/k8s/base/nats.yaml", "replicas: 3", "replicas: 2",
			"StatefulSet nats has 2 replicas"},
		{"stream replicas above the cluster", "deploy/k8s/base/carrywatch.env", "CW_STREAM_REPLICAS=3", "CW_STREAM_REPLICAS=5",
			"CW_STREAM_REPLICAS=5"},
		{"one replica per shard", "deploy/k8s/base/clickhouse.yaml", "serviceName: clickhouse-s1\n  replicas: 2", "serviceName: clickhouse-s1\n  replicas: 1",
			"StatefulSet clickhouse-s1 has 1 replicas"},
		{"cluster name mismatch", "deploy/k8s/base/carrywatch.env", "CW_CLICKHOUSE_CLUSTER=carrywatch", "CW_CLICKHOUSE_CLUSTER=carrywatch2",
			"no remote_servers cluster carrywatch2"},
		{"NATS route to a missing pod", "deploy/nats/nats-cluster.conf", "nats-2.nats-headless", "nats-3.nats-headless",
			"routes"},
		{"client without the NATS CA in prod", "deploy/k8s/overlays/prod/kustomization.yaml", "CW_NATS_URL=tls://nats:4222", "CW_NATS_URL=nats://nats:4222",
			"is not tls://"},
		{"password inline in prod", "deploy/k8s/overlays/prod/kustomization.yaml", "      - CW_NATS_TLS_CA_FILE=/var/run/secrets/nats-tls/ca.crt",
			"      - CW_NATS_TLS_CA_FILE=/var/run/secrets/nats-tls/ca.crt\n      - CW_NATS_PASSWORD=hunter2", "CW_NATS_PASSWORD has a password in the manifest"},
		{"wrong NATS user", "deploy/k8s/base/scorer.yaml", "value: scorer", "value: sink",
			"scorer logs in to NATS as sink"},
		{"password from another user's key", "deploy/k8s/base/scorer.yaml", "key: nats-scorer-password", "key: nats-sink-password",
			"password of scorer"},
		{"service that may not create streams manages them", "deploy/k8s/base/sink.yaml", "- name: CW_NATS_MANAGE_STREAMS\n              value: \"false\"", "- name: CW_NATS_MANAGE_STREAMS\n              value: \"true\"",
			"may not create streams"},
		{"inbox prefix the user may not read", "deploy/k8s/base/sink.yaml", "value: _INBOX_sink", "value: _INBOX_other",
			"may not subscribe to _INBOX_other"},
		{"network policy on a port the pods lack", "deploy/k8s/base/networkpolicies.yaml", "port: cluster", "port: clustr",
			"port clustr is not a port of StatefulSet nats"},
		{"network policy blocking a port", "deploy/k8s/base/networkpolicies.yaml", "        - port: metrics\n", "",
			"blocks port metrics (9363)"},
		{"root filesystem writable", "deploy/k8s/base/scorer.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
			"readOnlyRootFilesystem"},
		{"feeds without a source of a family", "deploy/k8s/base/feeds.yaml", "format: mof-jgb", "format: jgb-cvs",
			"ingest-jgb"},
		// Compose.
		{"compose: unknown variable", "deploy/docker-compose.yml", "CW_LOG_LEVEL: info", "CW_LOGLEVEL: info",
			"CW_LOGLEVEL is read by no code"},
		{"compose: missing host path", "deploy/docker-compose.yml", "./prometheus/prometheus.yml:", "./prometheus/prom.yml:",
			"prom.yml does not exist"},
		{"compose: unknown binary", "deploy/docker-compose.yml", `entrypoint: ["/usr/local/bin/scorer"]`, `entrypoint: ["/usr/local/bin/score"]`,
			"runs score"},
		{"compose: unknown subcommand", "deploy/docker-compose.yml", `command: ["migrate"]`, `command: ["migrat"]`,
			"carrywatch [migrat]: not a subcommand"},
		{"compose: dependency on a missing service", "deploy/docker-compose.yml", "    depends_on:\n      prometheus:", "    depends_on:\n      prometeus:",
			"prometeus"},
		{"compose: client and server passwords differ", "deploy/docker-compose.yml", "CW_NATS_PASSWORD: ${CW_NATS_SCORER_PASSWORD:-scorer-dev-password}", "CW_NATS_PASSWORD: ${CW_NATS_SCORER_PASSWORD:-scorer-password}",
			"scorer's NATS password"},
		{"prometheus: scrape target not a service", "deploy/prometheus/prometheus.yml", "names: [sink,", "names: [sinks,",
			"sinks:8080"},
		{"prometheus: service not scraped", "deploy/prometheus/prometheus.yml", ", ingest-markets]", "]",
			"ingest-markets is not scraped"},
		// Dockerfiles.
		{"Dockerfile builds a missing service", "deploy/docker/Dockerfile", "./services/scorer \\", "./services/scorers \\",
			"services/scorers"},
		{"Dockerfile misses a service", "deploy/docker/Dockerfile", "      ./services/ingest-outages", "      ./services/ingest-etfflows",
			"does not build ingest-outages"},
		{"Dockerfile copies a missing path", "deploy/docker/Dockerfile", "COPY deploy/feeds.example.yaml", "COPY deploy/feeds.yaml",
			"deploy/feeds.yaml"},
		{"context leaves out what the Dockerfile copies", ".dockerignore", "!schemas/\n", "",
			"schemas/"},
		// Tiltfile.
		{"Tiltfile: missing path", "Tiltfile", "'deploy/docker/Dockerfile.dev'", "'deploy/docker/Dockerfile.tilt'",
			"Dockerfile.tilt"},
		{"Tiltfile: unknown workload", "Tiltfile", "k8s_resource('scorer'", "k8s_resource('scorers'",
			"scorers is not a workload"},
		{"Tiltfile: forward to a port the pod lacks", "Tiltfile", "'3000:3000'", "'3000:3001'",
			"3001"},
		{"Tiltfile: unknown variable", "Tiltfile", "'CW_LOG_FORMAT': 'console'", "'CW_LOG_FMT': 'console'",
			"CW_LOG_FMT is read by no code"},
		{"Tiltfile: workload without a resource", "Tiltfile", "k8s_resource('clickhouse-s1', resource_deps=['clickhouse-keeper'], labels=['infra'])\n", "",
			"clickhouse-s1 has no k8s_resource"},
	}
	setNATSConfigEnv(t, repoRoot)
	var f0 findings
	allChecks(loadRepo(t, repoRoot), &f0)
	require.Empty(t, f0.list, "the repository itself must be consistent before its broken copies can tell anything")

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := copyRepo(t)
			p := filepath.Join(root, tt.file)
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			require.Contains(t, string(b), tt.old, "the text to break is not in %s", tt.file)
			require.NoError(t, os.WriteFile(p, []byte(strings.ReplaceAll(string(b), tt.old, tt.new)), 0o644))

			var f findings
			checksOf(tt.file)(loadRepo(t, root), &f)
			found := false
			for _, s := range f.list {
				found = found || strings.Contains(s, tt.want)
			}
			assert.True(t, found, "no finding mentions %q; findings:\n%s", tt.want, strings.Join(f.list, "\n"))
		})
	}
}

// checksOf returns the checks that read file (all of them run on the
// unbroken repository above).
func checksOf(file string) func(*repo, *findings) {
	switch {
	case file == "Tiltfile":
		return checkTiltfile
	case file == ".dockerignore" || strings.HasPrefix(file, "deploy/docker/"):
		return checkDockerfiles
	case file == "deploy/docker-compose.yml" || file == "deploy/prometheus/prometheus.yml":
		return checkCompose
	}
	return checkKubernetes
}

// copyRepo copies the deployment files into a temporary directory, with
// links to the sources they refer to.
func copyRepo(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum", "pkg", "schemas", "services", "README.md"} {
		abs, err := filepath.Abs(filepath.Join(repoRoot, name))
		require.NoError(t, err)
		require.NoError(t, os.Symlink(abs, filepath.Join(dst, name)))
	}
	for _, name := range []string{"Tiltfile", ".dockerignore"} {
		copyFile(t, filepath.Join(repoRoot, name), filepath.Join(dst, name))
	}
	src := filepath.Join(repoRoot, "deploy")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, "deploy", rel), 0o755)
		}
		copyFile(t, p, filepath.Join(dst, "deploy", rel))
		return nil
	})
	require.NoError(t, err)
	return dst
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

// checkReadme: every server-side password variable and every key of the
// Secrets created out of band is documented in deploy/README.md.
func checkReadme(r *repo, f *findings) {
	b, err := os.ReadFile(r.path("deploy", "README.md"))
	if err != nil {
		f.add("deploy/README.md: %v", err)
		return
	}
	doc := string(b)
	vars, err := serverVars(r)
	if err != nil {
		f.add("%v", err)
	}
	for _, v := range sortedKeys(vars) {
		if !strings.Contains(doc, "`"+v+"`") {
			f.add("deploy/README.md does not document the server variable %s", v)
		}
	}
	for _, name := range sortedKeys(outOfBandSecrets) {
		for _, key := range outOfBandSecrets[name] {
			if !strings.Contains(doc, "`"+key+"`") {
				f.add("deploy/README.md does not document key %s of Secret %s", key, name)
			}
		}
	}
}

// serverVars are the CW_* variables the servers read rather than the code:
// $VAR references in the NATS configuration, from_env attributes of the
// ClickHouse configuration and $__env{VAR} in Grafana's provisioning.
func serverVars(r *repo) (map[string]bool, error) {
	out := map[string]bool{}
	patterns := []struct {
		glob string
		re   *regexp.Regexp
	}{
		{"deploy/nats/*.conf", reNATSVar},
		{"deploy/clickhouse/*/*.xml", regexp.MustCompile(`from_env="(CW_[A-Z0-9_]+)"`)},
		{"deploy/grafana/provisioning/*/*.yaml", regexp.MustCompile(`\$__env\{(CW_[A-Z0-9_]+)\}`)},
	}
	for _, p := range patterns {
		files, err := filepath.Glob(r.path(p.glob))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no file matches %s", p.glob)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				return nil, err
			}
			text := string(b)
			if strings.HasSuffix(file, ".conf") {
				text = stripNATSComments(text)
			}
			for _, m := range p.re.FindAllStringSubmatch(text, -1) {
				if strings.HasPrefix(m[1], "CW_") {
					out[m[1]] = true
				}
			}
		}
	}
	return out, nil
}

// checkVarName reports a CW_* variable that neither the code nor a server
// reads; server variables are only for the servers' containers.
func checkVarName(r *repo, serverSide map[string]bool, where, name string, project bool, f *findings) {
	if !strings.HasPrefix(name, "CW_") {
		return
	}
	_, inCode := r.env[name]
	switch {
	case project && !inCode:
		f.add("%s: %s is read by no code (not an env tag under pkg/ or services/)", where, name)
	case !project && !inCode && !serverSide[name]:
		f.add("%s: %s is read by no code and by no server configuration", where, name)
	}
}

// matchSubject reports whether the subject pattern (with * and >) covers
// subject.
func matchSubject(pattern, subject string) bool {
	p, s := strings.Split(pattern, "."), strings.Split(subject, ".")
	for i, tok := range p {
		switch {
		case tok == ">":
			return len(s) > i
		case i >= len(s):
			return false
		case tok != "*" && tok != s[i]:
			return false
		}
	}
	return len(p) == len(s)
}

// portOf returns the port of a host:port address.
func portOf(addr string) (int, bool) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return 0, false
	}
	p, err := strconv.Atoi(addr[i+1:])
	return p, err == nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
