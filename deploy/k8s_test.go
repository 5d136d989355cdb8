package deploy_test

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
)

// namespace is where every carrywatch object lives.
const namespace = "carrywatch"

// overlay is what one kustomize overlay must render.
type overlay struct {
	name string
	// image matches the carrywatch image of the overlay.
	image        *regexp.Regexp
	sinkReplicas int
	// tls: clients reach NATS over TLS.
	tls bool
	// prod: no Secret in the manifests, the ClickHouse default user locked.
	prod bool
}

var overlays = []overlay{
	{name: "dev", image: regexp.MustCompile(`^carrywatch:dev$`), sinkReplicas: 2},
	{name: "prod", image: regexp.MustCompile(`^ghcr\.io/carrywatch/carrywatch(:v\d+\.\d+\.\d+|@sha256:[0-9a-f]{64})$`),
		sinkReplicas: 3, tls: true, prod: true},
}

// outOfBandSecrets are the Secrets an operator creates in the namespace
// before applying the production overlay, with their keys. The development
// overlay generates carrywatch-secrets with (at least) the same keys.
var outOfBandSecrets = map[string][]string{
	"carrywatch-secrets": {
		"nats-admin-password", "nats-ingest-password", "nats-scorer-password", "nats-sink-password",
		"nats-quant-password", "clickhouse-sink-password", "clickhouse-analyst-password",
		"clickhouse-default-password", "clickhouse-interserver-secret",
	},
	"nats-tls": {"tls.crt", "tls.key", "ca.crt"},
}

// formatsOf are the source formats each ingest service polls.
var formatsOf = map[string][]feed.Format{
	"ingest-jgb":      formats.JGB(),
	"ingest-fedodds":  formats.FedOdds(),
	"ingest-etfflows": formats.ETFFlows(),
	"ingest-outages":  formats.Outages(),
	"ingest-markets":  formats.Markets(),
}

func TestKubernetes(t *testing.T) { assertNoFindings(t, checkKubernetes) }

// Both overlays render, with the objects the design calls for.
func TestKubernetesRenders(t *testing.T) {
	r := loadRepo(t, repoRoot)
	for _, o := range overlays {
		m, err := render(r, o.name)
		if err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
		for _, name := range []string{"nats", "clickhouse-keeper", "clickhouse-s0", "clickhouse-s1", "migrate",
			"sink", "scorer", "ingest-jgb", "ingest-fedodds", "ingest-etfflows", "ingest-outages", "ingest-markets"} {
			if m.workload(name) == nil {
				t.Errorf("%s: no workload %s", o.name, name)
			}
		}
		for _, name := range []string{"prometheus", "grafana"} {
			if (m.workload(name) != nil) != (o.name == "dev") {
				t.Errorf("%s: workload %s: only the dev overlay has it", o.name, name)
			}
		}
	}
}

// manifests are the objects an overlay renders.
type manifests struct {
	overlay    string
	objects    []object
	workloads  []*workload
	services   map[string]*corev1.Service
	configMaps map[string]*corev1.ConfigMap
	secrets    map[string]*corev1.Secret
	// generated maps a generated Secret's name in the kustomization to its
	// name with the content hash.
	generated  map[string]string
	accounts   map[string]bool
	pdbs       []*policyv1.PodDisruptionBudget
	policies   []*networkingv1.NetworkPolicy
	namespaces map[string]*corev1.Namespace
}

type object struct{ kind, name, namespace string }

// workload is a Deployment, StatefulSet or Job.
type workload struct {
	kind, name  string
	replicas    int
	selector    *metav1.LabelSelector
	pod         *corev1.PodTemplateSpec
	serviceName string
	claims      []corev1.PersistentVolumeClaim
}

func (w *workload) String() string { return w.kind + " " + w.name }

func (m *manifests) workload(name string) *workload {
	for _, w := range m.workloads {
		if w.name == name {
			return w
		}
	}
	return nil
}

// reHashSuffix is the content hash kustomize appends to a generated name.
var reHashSuffix = regexp.MustCompile(`-[a-z0-9]{10}$`)

// render builds an overlay with kustomize, as `kubectl kustomize` does.
func render(r *repo, name string) (*manifests, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), r.path("deploy", "k8s", "overlays", name))
	if err != nil {
		return nil, fmt.Errorf("kustomize build deploy/k8s/overlays/%s: %w", name, err)
	}
	m := &manifests{
		overlay: name, services: map[string]*corev1.Service{}, configMaps: map[string]*corev1.ConfigMap{},
		secrets: map[string]*corev1.Secret{}, generated: map[string]string{}, accounts: map[string]bool{}, namespaces: map[string]*corev1.Namespace{},
	}
	for _, res := range rm.Resources() {
		b, err := res.MarshalJSON()
		if err != nil {
			return nil, err
		}
		kind, objName := res.GetKind(), res.GetName()
		m.objects = append(m.objects, object{kind: kind, name: objName, namespace: res.GetNamespace()})
		decode := func(v any) error { return json.Unmarshal(b, v) }
		var derr error
		switch kind {
		case "Deployment":
			var d appsv1.Deployment
			derr = decode(&d)
			m.workloads = append(m.workloads, &workload{kind: kind, name: objName, replicas: replicas(d.Spec.Replicas),
				selector: d.Spec.Selector, pod: &d.Spec.Template})
		case "StatefulSet":
			var s appsv1.StatefulSet
			derr = decode(&s)
			m.workloads = append(m.workloads, &workload{kind: kind, name: objName, replicas: replicas(s.Spec.Replicas),
				selector: s.Spec.Selector, pod: &s.Spec.Template, serviceName: s.Spec.ServiceName, claims: s.Spec.VolumeClaimTemplates})
		case "Job":
			var j batchv1.Job
			derr = decode(&j)
			m.workloads = append(m.workloads, &workload{kind: kind, name: objName, replicas: 1, pod: &j.Spec.Template})
		case "Service":
			var s corev1.Service
			derr = decode(&s)
			m.services[objName] = &s
		case "ConfigMap":
			var c corev1.ConfigMap
			derr = decode(&c)
			m.configMaps[objName] = &c
		case "Secret":
			var s corev1.Secret
			derr = decode(&s)
			m.secrets[objName] = &s
			m.generated[reHashSuffix.ReplaceAllString(objName, "")] = objName
		case "ServiceAccount":
			m.accounts[objName] = true
		case "PodDisruptionBudget":
			var p policyv1.PodDisruptionBudget
			derr = decode(&p)
			m.pdbs = append(m.pdbs, &p)
		case "NetworkPolicy":
			var p networkingv1.NetworkPolicy
			derr = decode(&p)
			m.policies = append(m.policies, &p)
		case "Namespace":
			var n corev1.Namespace
			derr = decode(&n)
			m.namespaces[objName] = &n
		}
		if derr != nil {
			return nil, fmt.Errorf("%s %s: %w", kind, objName, derr)
		}
	}
	return m, nil
}

func replicas(n *int32) int {
	if n == nil {
		return 1
	}
	return int(*n)
}

// container is one container of a workload, with its environment and the
// files its volumes give it resolved against the manifests.
type container struct {
	w *workload
	c corev1.Container
	// project: runs the carrywatch image; binary is what it runs.
	project bool
	binary  string
	env     map[string]envValue
	files   map[string]mountedFile
}

func (c *container) String() string { return c.w.String() + " container " + c.c.Name }

// envValue is a variable's value: a literal, or where it comes from.
type envValue struct {
	value   string
	literal bool
	secret  *keyRef
}

type keyRef struct{ name, key string }

// mountedFile is a file a ConfigMap or Secret volume gives a container.
type mountedFile struct {
	kind    string // ConfigMap or Secret
	ref     keyRef
	content []byte // nil for a Secret created out of band
}

func (m *manifests) containers() []*container {
	var out []*container
	for _, w := range m.workloads {
		for _, c := range append(slices.Clone(w.pod.Spec.InitContainers), w.pod.Spec.Containers...) {
			ct := &container{w: w, c: c, env: map[string]envValue{}, files: map[string]mountedFile{}}
			if isProjectImage(c.Image) {
				ct.project = true
				ct.binary = "carrywatch" // the image's entrypoint
				if len(c.Command) > 0 {
					ct.binary = path.Base(c.Command[0])
				}
			}
			m.resolveEnv(ct)
			m.resolveFiles(ct)
			out = append(out, ct)
		}
	}
	return out
}

// isProjectImage reports whether image is carrywatch's, whatever its
// registry and tag.
func isProjectImage(image string) bool {
	repo := imageRepository(image)
	return repo == "carrywatch" || strings.HasSuffix(repo, "/carrywatch")
}

func imageRepository(image string) string {
	image, _, _ = strings.Cut(image, "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}

func (m *manifests) resolveEnv(ct *container) {
	for _, from := range ct.c.EnvFrom {
		if ref := from.ConfigMapRef; ref != nil {
			if cm := m.configMaps[ref.Name]; cm != nil {
				for k, v := range cm.Data {
					ct.env[from.Prefix+k] = envValue{value: v, literal: true}
				}
			}
		}
		if ref := from.SecretRef; ref != nil {
			for _, k := range m.secretKeys(ref.Name) {
				ct.env[from.Prefix+k] = envValue{secret: &keyRef{ref.Name, k}}
			}
		}
	}
	for _, e := range ct.c.Env {
		v := envValue{value: e.Value, literal: e.ValueFrom == nil}
		if e.ValueFrom != nil {
			if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil {
				if cm := m.configMaps[ref.Name]; cm != nil {
					v = envValue{value: cm.Data[ref.Key], literal: true}
				}
			}
			if ref := e.ValueFrom.SecretKeyRef; ref != nil {
				v.secret = &keyRef{ref.Name, ref.Key}
			}
		}
		ct.env[e.Name] = v
	}
}

// secretKeys lists the keys of a Secret of the manifests, or of one created
// out of band.
func (m *manifests) secretKeys(name string) []string {
	if s := m.secrets[name]; s != nil {
		return append(sortedKeys(s.Data), sortedKeys(s.StringData)...)
	}
	return outOfBandSecrets[name]
}

func (m *manifests) resolveFiles(ct *container) {
	for _, vm := range ct.c.VolumeMounts {
		var vol *corev1.Volume
		for i := range ct.w.pod.Spec.Volumes {
			if ct.w.pod.Spec.Volumes[i].Name == vm.Name {
				vol = &ct.w.pod.Spec.Volumes[i]
			}
		}
		if vol == nil {
			continue
		}
		var kind, name string
		var items []corev1.KeyToPath
		var keys []string
		var content func(key string) []byte
		switch {
		case vol.ConfigMap != nil:
			kind, name, items = "ConfigMap", vol.ConfigMap.Name, vol.ConfigMap.Items
			cm := m.configMaps[name]
			if cm != nil {
				keys = sortedKeys(cm.Data)
			}
			content = func(key string) []byte {
				if cm == nil {
					return nil
				}
				return []byte(cm.Data[key])
			}
		case vol.Secret != nil:
			kind, name, items = "Secret", vol.Secret.SecretName, vol.Secret.Items
			keys = m.secretKeys(name)
			content = func(key string) []byte {
				if s := m.secrets[name]; s != nil {
					return s.Data[key]
				}
				return nil
			}
		default:
			continue
		}
		files := map[string]string{} // path under the volume -> key
		if len(items) > 0 {
			for _, it := range items {
				files[it.Path] = it.Key
			}
		} else {
			for _, k := range keys {
				files[k] = k
			}
		}
		for rel, key := range files {
			switch vm.SubPath {
			case "":
				ct.files[path.Join(vm.MountPath, rel)] = mountedFile{kind: kind, ref: keyRef{name, key}, content: content(key)}
			case rel:
				ct.files[vm.MountPath] = mountedFile{kind: kind, ref: keyRef{name, key}, content: content(key)}
			}
		}
	}
}

// value returns a variable's literal value, or the code's default.
func (r *repo) value(ct *container, name string) (string, bool) {
	if v, ok := ct.env[name]; ok {
		return v.value, v.literal
	}
	cv := r.env[name]
	return cv.def, cv.hasDefault
}

func checkKubernetes(r *repo, f *findings) {
	serverSide, err := serverVars(r)
	if err != nil {
		f.add("%v", err)
	}
	for _, o := range overlays {
		m, err := render(r, o.name)
		if err != nil {
			f.add("%v", err)
			continue
		}
		k := &k8sCheck{r: r, o: o, m: m, f: f, cs: m.containers(), serverSide: serverSide}
		k.namespaces()
		k.images()
		k.variables()
		k.references()
		k.files()
		k.probes()
		k.security()
		k.services()
		k.disruptionBudgets()
		k.networkPolicies()
		k.sink()
		k.nats()
		k.clickhouse()
		k.secrets()
		k.feeds()
		k.grafana()
		k.scraping()
	}
}

// k8sCheck checks one rendered overlay.
type k8sCheck struct {
	r          *repo
	o          overlay
	m          *manifests
	f          *findings
	cs         []*container
	serverSide map[string]bool
}

func (k *k8sCheck) add(format string, args ...any) {
	k.f.add(k.o.name+": "+format, args...)
}

// namespaces: everything in the carrywatch namespace, which enforces the
// restricted Pod Security Standard.
func (k *k8sCheck) namespaces() {
	for _, o := range k.m.objects {
		if o.kind != "Namespace" && o.namespace != namespace {
			k.add("%s %s is in namespace %q, not %s", o.kind, o.name, o.namespace, namespace)
		}
	}
	ns := k.m.namespaces[namespace]
	if ns == nil {
		k.add("no Namespace %s", namespace)
	} else if ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
		k.add("Namespace %s does not enforce the restricted Pod Security Standard", namespace)
	}
}

// images: carrywatch's image is the overlay's; others have a pinned tag.
func (k *k8sCheck) images() {
	for _, ct := range k.cs {
		img := ct.c.Image
		switch {
		case ct.project && !k.o.image.MatchString(img):
			k.add("%s: image %s is not the overlay's carrywatch image (%s)", ct, img, k.o.image)
		case !ct.project && !pinned(img):
			k.add("%s: image %s is not pinned to a version", ct, img)
		}
	}
}

// pinned reports whether an image names a version: a digest, or a tag
// other than latest.
func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	tag := strings.TrimPrefix(image, imageRepository(image))
	return tag != "" && tag != ":latest"
}

// variables: every CW_* variable is read by the code or by the server the
// container runs.
func (k *k8sCheck) variables() {
	for _, ct := range k.cs {
		for _, name := range sortedKeys(ct.env) {
			checkVarName(k.r, k.serverSide, k.o.name+": "+ct.String(), name, ct.project, k.f)
		}
	}
}

// references: every ConfigMap, Secret, key and ServiceAccount a pod names
// exists (or is created out of band, in production).
func (k *k8sCheck) references() {
	for _, ct := range k.cs {
		for _, from := range ct.c.EnvFrom {
			if ref := from.ConfigMapRef; ref != nil {
				k.configMapKey(ct, ref.Name, "", ref.Optional)
			}
			if ref := from.SecretRef; ref != nil {
				k.secretKey(ct, ref.Name, "", ref.Optional)
			}
		}
		for _, e := range ct.c.Env {
			if e.ValueFrom == nil {
				continue
			}
			if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil {
				k.configMapKey(ct, ref.Name, ref.Key, ref.Optional)
			}
			if ref := e.ValueFrom.SecretKeyRef; ref != nil {
				k.secretKey(ct, ref.Name, ref.Key, ref.Optional)
			}
		}
	}
	for _, w := range k.m.workloads {
		for _, v := range w.pod.Spec.Volumes {
			if v.ConfigMap != nil {
				k.configMapKey(w, v.ConfigMap.Name, "", v.ConfigMap.Optional)
				for _, it := range v.ConfigMap.Items {
					k.configMapKey(w, v.ConfigMap.Name, it.Key, v.ConfigMap.Optional)
				}
			}
			if v.Secret != nil {
				k.secretKey(w, v.Secret.SecretName, "", v.Secret.Optional)
				for _, it := range v.Secret.Items {
					k.secretKey(w, v.Secret.SecretName, it.Key, v.Secret.Optional)
				}
			}
		}
		for _, c := range w.pod.Spec.Containers {
			for _, vm := range c.VolumeMounts {
				if !slices.ContainsFunc(w.pod.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == vm.Name }) &&
					!slices.ContainsFunc(w.claims, func(pvc corev1.PersistentVolumeClaim) bool { return pvc.Name == vm.Name }) {
					k.add("%s: container %s mounts volume %s, which the pod does not have", w, c.Name, vm.Name)
				}
			}
		}
		if sa := w.pod.Spec.ServiceAccountName; sa != "" && sa != "default" && !k.m.accounts[sa] {
			k.add("%s: ServiceAccount %s does not exist", w, sa)
		}
	}
}

func (k *k8sCheck) configMapKey(who fmt.Stringer, name, key string, optional *bool) {
	if optional != nil && *optional {
		return
	}
	cm := k.m.configMaps[name]
	switch {
	case cm == nil:
		k.add("%s: ConfigMap %s does not exist", who, name)
	case key != "":
		if _, ok := cm.Data[key]; !ok {
			k.add("%s: ConfigMap %s has no key %s", who, name, key)
		}
	}
}

func (k *k8sCheck) secretKey(who fmt.Stringer, name, key string, optional *bool) {
	if optional != nil && *optional {
		return
	}
	s, oob := k.m.secrets[name], outOfBandSecrets[name]
	switch {
	case s == nil && (oob == nil || !k.o.prod):
		k.add("%s: Secret %s does not exist", who, name)
	case key == "":
	case s != nil && s.Data[key] == nil && s.StringData[key] == "":
		k.add("%s: Secret %s has no key %s", who, name, key)
	case s == nil && !slices.Contains(oob, key):
		k.add("%s: key %s of Secret %s is not among the keys operators create (%v)", who, key, name, oob)
	}
}

// files: a variable or argument naming a file names one the container's
// volumes give it.
func (k *k8sCheck) files() {
	for _, ct := range k.cs {
		for _, name := range sortedKeys(ct.env) {
			v := ct.env[name]
			isFile := strings.HasSuffix(name, "_FILE") || name == "CW_FEED_CONFIG" || name == "CW_SCORER_CALIBRATION" || name == "KEEPER_CONFIG"
			if isFile && v.literal && v.value != "" {
				if _, ok := ct.files[v.value]; !ok {
					k.add("%s: %s=%s is not a file of the container's volumes", ct, name, v.value)
				}
			}
		}
		for _, arg := range append(slices.Clone(ct.c.Command), ct.c.Args...) {
			_, value, found := strings.Cut(arg, "=")
			if !found {
				value = arg
			}
			if strings.HasPrefix(value, "/etc/") {
				if _, ok := ct.files[value]; !ok {
					k.add("%s: argument %s is not a file of the container's volumes", ct, arg)
				}
			}
		}
	}
}

// probes: on ports the container exposes; carrywatch's on CW_HTTP_ADDR,
// /healthz for liveness and /readyz for readiness.
func (k *k8sCheck) probes() {
	for _, ct := range k.cs {
		addr, _ := k.r.value(ct, "CW_HTTP_ADDR")
		httpPort, _ := portOf(addr)
		probes := map[string]*corev1.Probe{"liveness": ct.c.LivenessProbe, "readiness": ct.c.ReadinessProbe, "startup": ct.c.StartupProbe}
		for _, kind := range sortedKeys(probes) {
			p := probes[kind]
			if p == nil {
				continue
			}
			var port intstr.IntOrString
			switch {
			case p.HTTPGet != nil:
				port = p.HTTPGet.Port
			case p.TCPSocket != nil:
				port = p.TCPSocket.Port
			default:
				continue
			}
			n, ok := containerPort(ct.c, port)
			if !ok {
				k.add("%s: %s probe port %s is not a port of the container", ct, kind, port.String())
				continue
			}
			if ct.project && n != httpPort {
				k.add("%s serves CW_HTTP_ADDR on port %d but its %s probe uses %d", ct, httpPort, kind, n)
			}
		}
		if ct.project && ct.w.kind == "Deployment" {
			if p := ct.c.LivenessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" {
				k.add("%s: liveness probe is not GET /healthz", ct)
			}
			if p := ct.c.ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/readyz" {
				k.add("%s: readiness probe is not GET /readyz", ct)
			}
		}
	}
}

// containerPort resolves a port by number or name.
func containerPort(c corev1.Container, port intstr.IntOrString) (int, bool) {
	for _, p := range c.Ports {
		if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && int(p.ContainerPort) == port.IntValue()) {
			return int(p.ContainerPort), true
		}
	}
	return 0, false
}

// security: every pod passes the restricted Pod Security Standard (the
// namespace rejects it otherwise) and has resource requests and limits;
// carrywatch's containers also have a read-only root filesystem.
func (k *k8sCheck) security() {
	for _, ct := range k.cs {
		pod, sc := ct.w.pod.Spec.SecurityContext, ct.c.SecurityContext
		if pod == nil {
			pod = &corev1.PodSecurityContext{}
		}
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) || (sc.RunAsNonRoot == nil && pod.RunAsNonRoot != nil && *pod.RunAsNonRoot)
		if !nonRoot {
			k.add("%s: runAsNonRoot is not set", ct)
		}
		seccomp := sc.SeccompProfile
		if seccomp == nil {
			seccomp = pod.SeccompProfile
		}
		if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
			k.add("%s: no RuntimeDefault seccomp profile", ct)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			k.add("%s: allowPrivilegeEscalation is not false", ct)
		}
		if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			k.add("%s: capabilities are not all dropped", ct)
		}
		if ct.project && (sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem) {
			k.add("%s: readOnlyRootFilesystem is not true", ct)
		}
		for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := ct.c.Resources.Requests[res]; !ok {
				k.add("%s: no %s request", ct, res)
			}
			if _, ok := ct.c.Resources.Limits[res]; !ok {
				k.add("%s: no %s limit", ct, res)
			}
		}
	}
}

// podsOf returns the workloads whose pods a label selector selects.
func (k *k8sCheck) podsOf(sel labels.Selector) []*workload {
	var out []*workload
	for _, w := range k.m.workloads {
		if sel.Matches(labels.Set(w.pod.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

// services: each Service selects pods and targets ports they have; each
// StatefulSet's governing Service exists and is headless.
func (k *k8sCheck) services() {
	for _, name := range sortedKeys(k.m.services) {
		s := k.m.services[name]
		if len(s.Spec.Selector) == 0 {
			continue
		}
		ws := k.podsOf(labels.SelectorFromSet(s.Spec.Selector))
		if len(ws) == 0 {
			k.add("Service %s selects no pod", name)
			continue
		}
		for _, p := range s.Spec.Ports {
			target := p.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(p.Port)
			}
			for _, w := range ws {
				if !slices.ContainsFunc(w.pod.Spec.Containers, func(c corev1.Container) bool { _, ok := containerPort(c, target); return ok }) {
					k.add("Service %s port %s targets %s, which %s does not expose", name, p.Name, target.String(), w)
				}
			}
		}
	}
	for _, w := range k.m.workloads {
		if w.kind != "StatefulSet" {
			continue
		}
		s := k.m.services[w.serviceName]
		switch {
		case s == nil:
			k.add("%s: its Service %s does not exist", w, w.serviceName)
		case s.Spec.ClusterIP != corev1.ClusterIPNone:
			k.add("%s: its Service %s is not headless", w, w.serviceName)
		case !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(w.pod.Labels)):
			k.add("%s: its Service %s does not select its pods", w, w.serviceName)
		}
	}
}

// disruptionBudgets: each selects the pods of one workload and lets at
// least one of them be evicted.
func (k *k8sCheck) disruptionBudgets() {
	covered := map[string]bool{}
	for _, p := range k.m.pdbs {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err != nil {
			k.add("PodDisruptionBudget %s: %v", p.Name, err)
			continue
		}
		ws := k.podsOf(sel)
		if len(ws) != 1 {
			if len(ws) == 0 {
				k.add("PodDisruptionBudget %s selects no pod", p.Name)
			} else {
				k.add("PodDisruptionBudget %s selects the pods of %d workloads", p.Name, len(ws))
			}
			continue
		}
		w := ws[0]
		covered[w.name] = true
		if mu := p.Spec.MaxUnavailable; mu != nil && mu.Type == intstr.Int && mu.IntValue() < 1 {
			k.add("PodDisruptionBudget %s allows no eviction", p.Name)
		}
		if ma := p.Spec.MinAvailable; ma != nil && ma.Type == intstr.Int && ma.IntValue() >= w.replicas {
			k.add("PodDisruptionBudget %s: minAvailable %d of %d replicas of %s blocks every drain", p.Name, ma.IntValue(), w.replicas, w)
		}
	}
	for _, w := range k.m.workloads {
		if w.kind != "Job" && !covered[w.name] && w.pod.Labels["app.kubernetes.io/component"] != "observability" {
			k.add("%s has no PodDisruptionBudget", w)
		}
	}
}

// networkPolicies: each selects pods, lets their peers in as named, and
// leaves every port the pods expose reachable by someone.
func (k *k8sCheck) networkPolicies() {
	for _, p := range k.m.policies {
		sel, err := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
		if err != nil {
			k.add("NetworkPolicy %s: %v", p.Name, err)
			continue
		}
		ws := k.podsOf(sel)
		if len(ws) == 0 {
			k.add("NetworkPolicy %s selects no pod", p.Name)
		}
		for _, w := range ws {
			open := map[int]bool{}
			for _, rule := range p.Spec.Ingress {
				for _, from := range rule.From {
					if from.PodSelector == nil {
						continue
					}
					if fs, err := metav1.LabelSelectorAsSelector(from.PodSelector); err != nil || len(k.podsOf(fs)) == 0 {
						k.add("NetworkPolicy %s lets in pods that do not exist (%v)", p.Name, from.PodSelector.MatchLabels)
					}
				}
				for _, port := range rule.Ports {
					if port.Port == nil {
						continue
					}
					found := false
					for _, c := range w.pod.Spec.Containers {
						if n, ok := containerPort(c, *port.Port); ok {
							open[n], found = true, true
						}
					}
					if !found {
						k.add("NetworkPolicy %s: port %s is not a port of %s", p.Name, port.Port.String(), w)
					}
				}
			}
			for _, c := range w.pod.Spec.Containers {
				for _, cp := range c.Ports {
					if !open[int(cp.ContainerPort)] {
						k.add("NetworkPolicy %s blocks port %s (%d) of %s", p.Name, cp.Name, cp.ContainerPort, w)
					}
				}
			}
		}
	}
}

// sink: several replicas sharing one durable consumer.
func (k *k8sCheck) sink() {
	w := k.m.workload("sink")
	if w == nil {
		k.add("no sink Deployment")
		return
	}
	if w.replicas != k.o.sinkReplicas || w.replicas < 2 {
		k.add("sink has %d replicas, want %d", w.replicas, k.o.sinkReplicas)
	}
	for _, ct := range k.cs {
		if ct.w != w {
			continue
		}
		if v, ok := ct.env["CW_SINK_CONSUMER"]; !ok || !v.literal || v.value == "" {
			k.add("%s: CW_SINK_CONSUMER must be one literal value, shared by every replica", ct)
		}
	}
}
