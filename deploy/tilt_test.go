package deploy_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func TestTiltfile(t *testing.T) { assertNoFindings(t, checkTiltfile) }

// tiltLabels are the groups of the Tilt UI.
var tiltLabels = []string{"infra", "pipeline", "ingest", "observability"}

// tiltCall is one call of a Tilt function, its arguments by name.
type tiltCall struct {
	fn   string
	args map[string]starlark.Value
}

func (c tiltCall) str(name string) string {
	s, _ := starlark.AsString(c.args[name])
	return s
}

func (c tiltCall) strs(name string) []string {
	var out []string
	switch v := c.args[name].(type) {
	case starlark.String:
		out = append(out, string(v))
	case *starlark.List:
		for i := range v.Len() {
			if s, ok := starlark.AsString(v.Index(i)); ok {
				out = append(out, s)
			} else {
				out = append(out, v.Index(i).String())
			}
		}
	}
	return out
}

// tiltRun is what running the Tiltfile asked Tilt to do.
type tiltRun struct {
	calls []tiltCall
	// deployed are the objects given to k8s_yaml.
	deployed []map[string]any
}

func (t *tiltRun) called(fn string) []tiltCall {
	var out []tiltCall
	for _, c := range t.calls {
		if c.fn == fn {
			out = append(out, c)
		}
	}
	return out
}

// runTiltfile executes the Tiltfile with the Starlark interpreter, the Tilt
// functions it uses recording their arguments; kustomize() renders with
// kustomize as Tilt would.
func runTiltfile(r *repo) (*tiltRun, error) {
	src, err := os.ReadFile(r.path("Tiltfile"))
	if err != nil {
		return nil, err
	}
	run := &tiltRun{}
	record := func(name string, result func(map[string]starlark.Value) (starlark.Value, error), params ...string) *starlark.Builtin {
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			got := map[string]starlark.Value{}
			for i, a := range args {
				if i >= len(params) {
					return nil, fmt.Errorf("%s: too many arguments", name)
				}
				got[params[i]] = a
			}
			for _, kv := range kwargs {
				k, _ := starlark.AsString(kv[0])
				if !slices.Contains(params, k) {
					return nil, fmt.Errorf("%s: unexpected argument %s (add it to the test's stub if Tilt has it)", name, k)
				}
				got[k] = kv[1]
			}
			run.calls = append(run.calls, tiltCall{fn: name, args: got})
			if result == nil {
				return starlark.None, nil
			}
			return result(got)
		})
	}
	asValue := func(fn string) func(map[string]starlark.Value) (starlark.Value, error) {
		return func(args map[string]starlark.Value) (starlark.Value, error) {
			d := starlark.NewDict(len(args) + 1)
			_ = d.SetKey(starlark.String("__fn__"), starlark.String(fn))
			for k, v := range args {
				_ = d.SetKey(starlark.String(k), v)
			}
			return d, nil
		}
	}
	kustomize := func(args map[string]starlark.Value) (starlark.Value, error) {
		dir, _ := starlark.AsString(args["pathToDir"])
		rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), r.path(dir))
		if err != nil {
			return nil, err
		}
		y, err := rm.AsYaml()
		return starlark.String(y), err
	}
	decode := starlark.NewBuiltin("decode_yaml_stream", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		s, _ := starlark.AsString(args[0])
		docs, err := decodeYAMLStream(s)
		if err != nil {
			return nil, err
		}
		return toStarlark(docs)
	})
	encode := starlark.NewBuiltin("encode_yaml_stream", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		docs, err := fromStarlark(args[0])
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		for _, d := range docs.([]any) {
			y, err := yaml.Marshal(d)
			if err != nil {
				return nil, err
			}
			b.WriteString("---\n")
			b.Write(y)
		}
		return starlark.String(b.String()), nil
	})
	k8sYAML := func(args map[string]starlark.Value) (starlark.Value, error) {
		s, _ := starlark.AsString(args["yaml"])
		docs, err := decodeYAMLStream(s)
		for _, d := range docs {
			if m, ok := d.(map[string]any); ok {
				run.deployed = append(run.deployed, m)
			}
		}
		return starlark.None, err
	}
	predeclared := starlark.StringDict{
		"local_resource": record("local_resource", nil, "name", "cmd", "deps", "workdir", "env", "ignore", "auto_init",
			"resource_deps", "trigger_mode", "labels", "serve_cmd", "serve_env", "readiness_probe", "links", "allow_parallel"),
		"docker_build": record("docker_build", nil, "ref", "context", "build_args", "dockerfile", "live_update", "ignore",
			"only", "entrypoint", "target"),
		"sync":               record("sync", asValue("sync"), "local_path", "remote_path"),
		"run":                record("run", asValue("run"), "cmd", "trigger"),
		"kustomize":          record("kustomize", kustomize, "pathToDir", "kustomize_bin", "flags"),
		"decode_yaml_stream": decode,
		"encode_yaml_stream": encode,
		"k8s_yaml":           record("k8s_yaml", k8sYAML, "yaml", "allow_duplicates"),
		"k8s_resource": record("k8s_resource", nil, "workload", "new_name", "port_forwards", "extra_pod_selectors",
			"trigger_mode", "resource_deps", "objects", "auto_init", "pod_readiness", "links", "labels"),
		"probe":           record("probe", asValue("probe"), "initial_delay_secs", "timeout_secs", "period_secs", "success_threshold", "failure_threshold", "exec", "http_get", "tcp_socket"),
		"http_get_action": record("http_get_action", asValue("http_get_action"), "port", "host", "scheme", "path"),
		"link":            record("link", asValue("link"), "url", "name"),
	}
	thread := &starlark.Thread{
		Name: "Tiltfile",
		Load: func(_ *starlark.Thread, module string) (starlark.StringDict, error) {
			if module == "ext://restart_process" {
				return starlark.StringDict{"docker_build_with_restart": record("docker_build_with_restart", nil,
					"ref", "context", "entrypoint", "live_update", "base_suffix", "restart_file", "dockerfile", "build_args", "ignore", "only")}, nil
			}
			return nil, fmt.Errorf("load %s: unknown extension", module)
		},
		Print: func(*starlark.Thread, string) {},
	}
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}
	if _, err := starlark.ExecFileOptions(opts, thread, "Tiltfile", src, predeclared); err != nil {
		var ee *starlark.EvalError
		if errors.As(err, &ee) {
			return nil, errors.New(ee.Backtrace())
		}
		return nil, err
	}
	return run, nil
}

func decodeYAMLStream(s string) ([]any, error) {
	var out []any
	dec := yaml.NewDecoder(strings.NewReader(s))
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			out = append(out, doc)
		}
	}
}

func toStarlark(v any) (starlark.Value, error) {
	switch x := v.(type) {
	case nil:
		return starlark.None, nil
	case string:
		return starlark.String(x), nil
	case bool:
		return starlark.Bool(x), nil
	case int:
		return starlark.MakeInt(x), nil
	case float64:
		return starlark.Float(x), nil
	case []any:
		elems := make([]starlark.Value, len(x))
		for i, e := range x {
			sv, err := toStarlark(e)
			if err != nil {
				return nil, err
			}
			elems[i] = sv
		}
		return starlark.NewList(elems), nil
	case map[string]any:
		d := starlark.NewDict(len(x))
		for _, k := range sortedKeys(x) {
			sv, err := toStarlark(x[k])
			if err != nil {
				return nil, err
			}
			_ = d.SetKey(starlark.String(k), sv)
		}
		return d, nil
	}
	return nil, fmt.Errorf("cannot convert %T to Starlark", v)
}

func fromStarlark(v starlark.Value) (any, error) {
	switch x := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case starlark.String:
		return string(x), nil
	case starlark.Bool:
		return bool(x), nil
	case starlark.Int:
		i, err := starlark.AsInt32(x)
		return i, err
	case starlark.Float:
		return float64(x), nil
	case *starlark.List:
		out := make([]any, x.Len())
		for i := range x.Len() {
			e, err := fromStarlark(x.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case *starlark.Dict:
		out := map[string]any{}
		for _, kv := range x.Items() {
			k, _ := starlark.AsString(kv[0])
			e, err := fromStarlark(kv[1])
			if err != nil {
				return nil, err
			}
			out[k] = e
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot convert %s to YAML", v.Type())
}

// reQuotedPath finds quoted relative paths in the Tiltfile.
var reQuotedPath = regexp.MustCompile(`'([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+/?)'|"([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+/?)"`)

func checkTiltfile(r *repo, f *findings) {
	add := func(format string, args ...any) { f.add("Tiltfile: "+format, args...) }
	run, err := runTiltfile(r)
	if err != nil {
		add("%v", err)
		return
	}

	// The build output: the directory the compile resource writes.
	var output, compile string
	for _, c := range run.called("local_resource") {
		if m := regexp.MustCompile(`go build .*-o (\S+)`).FindStringSubmatch(c.str("cmd")); m != nil {
			output, compile = strings.TrimSuffix(m[1], "/"), c.str("name")
			if !strings.Contains(c.str("cmd"), "GOOS=linux") || !strings.Contains(c.str("cmd"), "CGO_ENABLED=0") || !strings.Contains(c.str("cmd"), "./services/...") {
				add("local_resource %s does not build static Linux binaries of ./services/...", compile)
			}
		}
	}
	if output == "" {
		add("no local_resource builds the binaries (go build -o DIR)")
		return
	}
	// Paths: every one referred to exists, or is the build output.
	src, _ := os.ReadFile(r.path("Tiltfile"))
	paths := map[string]bool{}
	for _, m := range reQuotedPath.FindAllStringSubmatch(string(src), -1) {
		paths[m[1]+m[2]] = true
	}
	for _, c := range run.called("local_resource") {
		for _, d := range c.strs("deps") {
			paths[d] = true
		}
	}
	for _, p := range sortedKeys(paths) {
		clean := path.Clean(p)
		if clean != output && !strings.HasPrefix(clean, output+"/") && !r.exists(clean) {
			add("%s does not exist", p)
		}
	}

	// Variables given to local commands are the code's.
	for _, c := range run.called("local_resource") {
		for _, key := range []string{"env", "serve_env"} {
			d, _ := c.args[key].(*starlark.Dict)
			if d == nil {
				continue
			}
			for _, kv := range d.Items() {
				name, _ := starlark.AsString(kv[0])
				checkVarName(r, nil, "Tiltfile: local_resource "+c.str("name"), name, true, f)
			}
		}
	}

	// The image: built from the binaries, synced into the containers where
	// the dev image has them.
	builds := run.called("docker_build_with_restart")
	if len(builds) != 1 {
		add("want one docker_build_with_restart, got %d", len(builds))
		return
	}
	b := builds[0]
	if path.Clean(b.str("context")) != output {
		add("image %s: context %s is not the build output %s", b.str("ref"), b.str("context"), output)
	}
	if b.str("dockerfile") != "deploy/docker/Dockerfile.dev" {
		add("image %s: dockerfile %s is not deploy/docker/Dockerfile.dev", b.str("ref"), b.str("dockerfile"))
	}
	var synced bool
	if lu, ok := b.args["live_update"].(*starlark.List); ok {
		for i := range lu.Len() {
			d, _ := fromStarlark(lu.Index(i))
			if m, ok := d.(map[string]any); ok && m["__fn__"] == "sync" {
				synced = synced || (path.Clean(m["local_path"].(string)) == output && m["remote_path"] == "/usr/local/bin")
			}
		}
	}
	if !synced {
		add("image %s: live_update does not sync %s to /usr/local/bin", b.str("ref"), output)
	}

	// The deployed objects: the dev overlay, its carrywatch containers
	// rewritten for the restart wrapper.
	kz := run.called("kustomize")
	if len(kz) != 1 || path.Clean(kz[0].str("pathToDir")) != "deploy/k8s/overlays/dev" {
		add("want k8s_yaml of kustomize('deploy/k8s/overlays/dev')")
	}
	workloads := map[string]map[string]any{}
	for _, o := range run.deployed {
		kind, _ := o["kind"].(string)
		if kind != "Deployment" && kind != "StatefulSet" && kind != "Job" {
			continue
		}
		name, _ := dig(o, "metadata", "name").(string)
		workloads[name] = o
		for _, c := range podContainers(o) {
			image, _ := c["image"].(string)
			if imageRepository(image) != b.str("ref") {
				continue
			}
			args, _ := c["args"].([]any)
			if c["command"] != nil || len(args) == 0 || !r.binaries[path.Base(fmt.Sprint(args[0]))] {
				add("%s %s: the restart wrapper needs the binary as the first argument and no command, got command %v args %v", kind, name, c["command"], c["args"])
			}
			if ro, _ := dig(c, "securityContext", "readOnlyRootFilesystem").(bool); ro {
				add("%s %s: live updates need a writable root filesystem", kind, name)
			}
		}
	}

	// The resources: one per workload, grouped, in dependency order, with
	// forwards to ports the pods have.
	resources := map[string]tiltCall{}
	for _, c := range run.called("k8s_resource") {
		name := c.str("workload")
		resources[name] = c
		o, ok := workloads[name]
		if !ok {
			add("k8s_resource %s: %s is not a workload of the dev overlay", name, name)
			continue
		}
		for _, l := range c.strs("labels") {
			if !slices.Contains(tiltLabels, l) {
				add("k8s_resource %s: label %s is not one of %v", name, l, tiltLabels)
			}
		}
		for _, pf := range c.strs("port_forwards") {
			_, container, found := strings.Cut(pf, ":")
			if !found {
				container = pf
			}
			port, _ := strconv.Atoi(container)
			if !slices.ContainsFunc(podContainers(o), func(c map[string]any) bool {
				ports, _ := c["ports"].([]any)
				return slices.ContainsFunc(ports, func(p any) bool { return dig(p, "containerPort") == port })
			}) {
				add("k8s_resource %s: port forward %s: %d is not a container port", name, pf, port)
			}
		}
	}
	for _, name := range sortedKeys(workloads) {
		if _, ok := resources[name]; !ok {
			add("workload %s has no k8s_resource", name)
		}
	}
	known := map[string]bool{}
	for _, c := range run.called("local_resource") {
		known[c.str("name")] = true
	}
	for name := range resources {
		known[name] = true
	}
	deps := func(name string) []string {
		var out []string
		if c, ok := resources[name]; ok {
			out = c.strs("resource_deps")
		}
		for _, c := range run.called("local_resource") {
			if c.str("name") == name {
				out = c.strs("resource_deps")
			}
		}
		return out
	}
	for _, name := range sortedKeys(known) {
		for _, d := range deps(name) {
			if !known[d] {
				add("resource %s depends on %s, which is not a resource", name, d)
			}
		}
	}
	closure := func(name string) map[string]bool {
		seen := map[string]bool{}
		var walk func(string)
		walk = func(n string) {
			for _, d := range deps(n) {
				if !seen[d] {
					seen[d] = true
					walk(d)
				}
			}
		}
		walk(name)
		return seen
	}
	for _, name := range sortedKeys(workloads) {
		o := workloads[name]
		if !slices.ContainsFunc(podContainers(o), func(c map[string]any) bool { return isProjectImage(fmt.Sprint(c["image"])) }) {
			continue
		}
		before := closure(name)
		want := []string{compile, "nats"}
		if name == "migrate" {
			for other, w := range workloads {
				if dig(w, "spec", "template", "metadata", "labels", "app.kubernetes.io/name") == "clickhouse" {
					want = append(want, other)
				}
			}
		} else {
			want = append(want, "migrate")
		}
		sort.Strings(want)
		for _, w := range want {
			if !before[w] {
				add("resource %s does not wait for %s", name, w)
			}
		}
	}
}

// dig walks nested maps.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func podContainers(o map[string]any) []map[string]any {
	var out []map[string]any
	cs, _ := dig(o, "spec", "template", "spec", "containers").([]any)
	for _, c := range cs {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// The regexp finds the paths the Tiltfile names.
func TestQuotedPaths(t *testing.T) {
	got := reQuotedPath.FindAllStringSubmatch(`cmd='go build -o .tilt/bin/ ./services/...', dockerfile="deploy/docker/Dockerfile.dev", x='carrywatch', y='/usr/local/bin'`, -1)
	var paths []string
	for _, m := range got {
		paths = append(paths, m[1]+m[2])
	}
	if !slices.Equal(paths, []string{"deploy/docker/Dockerfile.dev"}) {
		t.Errorf("paths %v", paths)
	}
}
