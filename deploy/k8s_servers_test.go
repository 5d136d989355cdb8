package deploy_test

// The Kubernetes checks of the servers (NATS, ClickHouse, Grafana,
// Prometheus) and of how the services use them.

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// nats: a 3-node cluster whose configuration matches the StatefulSet, and
// clients that log in as their users with the servers' passwords.
func (k *k8sCheck) nats() {
	w := k.m.workload("nats")
	if w == nil {
		k.add("no StatefulSet nats")
		return
	}
	if w.replicas != 3 {
		k.add("StatefulSet nats has %d replicas, want 3", w.replicas)
	}
	var server *container
	for _, ct := range k.cs {
		if ct.w == w {
			server = ct
		}
	}
	if server == nil {
		return
	}
	cfgFile := ""
	for i, a := range server.c.Args {
		if (a == "-c" || a == "--config") && i+1 < len(server.c.Args) {
			cfgFile = server.c.Args[i+1]
		}
	}
	cfg, err := k.parseMountedNATSConfig(server, cfgFile)
	if err != nil {
		k.add("%s: configuration %s: %v", server, cfgFile, err)
		return
	}
	// The configuration and the StatefulSet agree.
	for _, p := range []struct {
		what string
		port int
	}{{"client", cfg.clientPort}, {"cluster", cfg.clusterPort}, {"monitoring", cfg.httpPort}} {
		if _, ok := containerPort(server.c, intstr.FromInt(p.port)); !ok {
			k.add("%s: the %s port %d of %s is not a container port", server, p.what, p.port, cfgFile)
		}
	}
	var wantRoutes []string
	for i := range w.replicas {
		wantRoutes = append(wantRoutes, fmt.Sprintf("nats://%s-%d.%s:%d", w.name, i, w.serviceName, cfg.clusterPort))
	}
	if got := slices.Sorted(slices.Values(cfg.routes)); !slices.Equal(got, wantRoutes) {
		k.add("%s: the cluster routes %v of %s are not the pods of the StatefulSet %v", server, got, cfgFile, wantRoutes)
	}
	if !slices.ContainsFunc(w.claims, func(pvc corev1.PersistentVolumeClaim) bool {
		return slices.ContainsFunc(server.c.VolumeMounts, func(vm corev1.VolumeMount) bool {
			return vm.Name == pvc.Name && strings.HasPrefix(cfg.storeDir+"/", strings.TrimSuffix(vm.MountPath, "/")+"/")
		})
	}) {
		k.add("%s: the JetStream store %q is not on a volume claim", server, cfg.storeDir)
	}
	for _, v := range cfg.vars {
		if _, ok := server.env[v]; !ok {
			k.add("%s: %s refers to $%s, which the container's environment lacks", server, cfgFile, v)
		}
	}
	if k.o.tls != (len(cfg.tls) > 0) {
		k.add("%s: TLS in %s is %v, want %v", server, cfgFile, len(cfg.tls) > 0, k.o.tls)
	}
	for _, key := range sortedKeys(cfg.tls) {
		if strings.HasSuffix(key, "_file") {
			if _, ok := server.files[cfg.tls[key]]; !ok {
				k.add("%s: TLS %s %s is not a file of the container's volumes", server, key, cfg.tls[key])
			}
		}
	}
	// The clients.
	for _, ct := range k.cs {
		if !ct.project {
			continue
		}
		k.natsClient(ct, server, w, cfg)
	}
}

func (k *k8sCheck) parseMountedNATSConfig(server *container, file string) (*natsConfig, error) {
	if _, ok := server.files[file]; !ok {
		return nil, fmt.Errorf("not a file of the container's volumes")
	}
	// The files as the container sees them, so includes resolve.
	dir, err := os.MkdirTemp("", "nats-config")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for p, mf := range server.files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, p), mf.content, 0o600); err != nil {
			return nil, err
		}
	}
	return parseNATSConfig(filepath.Join(dir, file))
}

func (k *k8sCheck) natsClient(ct, server *container, sts *workload, cfg *natsConfig) {
	// The URL is the client Service, plain or TLS as the overlay wants.
	rawURL, _ := k.r.value(ct, "CW_NATS_URL")
	scheme, hostPort, _ := strings.Cut(rawURL, "://")
	if k.o.tls != (scheme == "tls") {
		k.add("%s: CW_NATS_URL %s is not tls://, as the overlay wants: %v", ct, rawURL, k.o.tls)
	}
	k.serviceFor(ct, "CW_NATS_URL", hostPort, sts)
	if k.o.tls {
		ca, _ := k.r.value(ct, "CW_NATS_TLS_CA_FILE")
		if mf, ok := ct.files[ca]; !ok || mf.ref.name != "nats-tls" || mf.ref.key != "ca.crt" {
			k.add("%s: CW_NATS_TLS_CA_FILE %q is not ca.crt of the Secret nats-tls", ct, ca)
		}
	}
	if n, _ := k.r.value(ct, "CW_STREAM_REPLICAS"); n != strconv.Itoa(sts.replicas) {
		k.add("%s: CW_STREAM_REPLICAS=%s, but NATS has %d nodes", ct, n, sts.replicas)
	}
	// The user and its password.
	user, _ := k.r.value(ct, "CW_NATS_USER")
	if want := natsUserOf[ct.binary]; user != want {
		k.add("%s: %s logs in to NATS as %s, want %s", ct, ct.binary, user, want)
	}
	u, ok := cfg.users[user]
	if !ok {
		k.add("%s: NATS has no user %q", ct, user)
		return
	}
	if !k.samePassword(ct, server, "CW_NATS_PASSWORD_FILE", u.passwordVar, "password of "+user) {
		return
	}
	// What the user may do: its replies, its streams, its consumers.
	prefix, _ := k.r.value(ct, "CW_NATS_INBOX_PREFIX")
	if inbox := (natsfx.Config{User: user, InboxPrefix: prefix}).Inbox(); !u.maySubscribe(inbox + ".x") {
		k.add("%s: NATS user %s may not subscribe to %s.> (CW_NATS_INBOX_PREFIX)", ct, user, inbox)
	}
	if manage, _ := k.r.value(ct, "CW_NATS_MANAGE_STREAMS"); manage != "false" && !u.mayPublish("$JS.API.STREAM.CREATE.CW_EVENTS") {
		k.add("%s: CW_NATS_MANAGE_STREAMS=%s but NATS user %s may not create streams", ct, manage, user)
	}
	if ct.binary == "sink" {
		consumer, _ := k.r.value(ct, "CW_SINK_CONSUMER")
		for _, subj := range []string{"$JS.API.CONSUMER.MSG.NEXT.CW_EVENTS." + consumer + "-events", "$JS.ACK.CW_EVENTS." + consumer + "-events.1.1.1.1.1"} {
			if !u.mayPublish(subj) {
				k.add("%s: NATS user %s may not publish %s (CW_SINK_CONSUMER=%s)", ct, user, subj, consumer)
			}
		}
	}
}

// serviceFor checks that host:port of a variable is a Service selecting
// the pods of w on that port.
func (k *k8sCheck) serviceFor(ct *container, variable, hostPort string, w *workload) {
	host, port, _ := strings.Cut(hostPort, ":")
	s := k.m.services[host]
	if s == nil {
		k.add("%s: %s: no Service %s", ct, variable, host)
		return
	}
	if !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(w.pod.Labels)) {
		k.add("%s: %s: Service %s does not select the pods of %s", ct, variable, host, w)
	}
	if !slices.ContainsFunc(s.Spec.Ports, func(p corev1.ServicePort) bool { return strconv.Itoa(int(p.Port)) == port }) {
		k.add("%s: %s: Service %s has no port %s", ct, variable, host, port)
	}
}

// clickhouse: 2 shards x 2 replicas and 3 keepers, matching cluster.xml
// and keeper.xml, and clients logging in as their users.
func (k *k8sCheck) clickhouse() {
	var shards []*workload
	for _, w := range k.m.workloads {
		if w.kind == "StatefulSet" && w.pod.Labels["app.kubernetes.io/name"] == "clickhouse" {
			shards = append(shards, w)
			if w.replicas != 2 {
				k.add("StatefulSet %s has %d replicas, want 2", w.name, w.replicas)
			}
		}
	}
	if len(shards) != 2 {
		k.add("%d ClickHouse StatefulSets, want 2 (one per shard)", len(shards))
	}
	keeper := k.m.workload("clickhouse-keeper")
	if keeper == nil || keeper.replicas != 3 {
		k.add("StatefulSet clickhouse-keeper: want 3 replicas")
		return
	}
	var keeperCt *container
	servers := map[*workload]*container{}
	for _, ct := range k.cs {
		if ct.w == keeper {
			keeperCt = ct
		}
		if slices.Contains(shards, ct.w) {
			servers[ct.w] = ct
		}
	}
	k.keeperConfig(keeper, keeperCt)
	for _, sts := range shards {
		server := servers[sts]
		if server == nil {
			continue
		}
		clusters := k.serverConfig(server, shards, servers, keeper, keeperCt)
		for _, ct := range k.cs {
			if !ct.project || clickhouseUserOf[ct.binary] == "" {
				continue
			}
			name, _ := k.r.value(ct, "CW_CLICKHOUSE_CLUSTER")
			if name != "" && !slices.Contains(clusters, name) {
				k.add("%s: CW_CLICKHOUSE_CLUSTER=%s, but there is no remote_servers cluster %s in %s's config.d (%v)", ct, name, name, sts, clusters)
			}
			addr, _ := k.r.value(ct, "CW_CLICKHOUSE_ADDR")
			for _, a := range strings.Split(addr, ",") {
				k.serviceFor(ct, "CW_CLICKHOUSE_ADDR", a, sts)
			}
			k.clickhouseClient(ct, server)
		}
		users := server.files["/etc/clickhouse-server/users.d/prod.xml"]
		if k.o.prod != (users.ref.name != "") {
			k.add("%s: users.d/prod.xml mounted: %v, want %v", server, users.ref.name != "", k.o.prod)
		}
	}
}

// serverConfig checks the config.d files of a ClickHouse server and
// returns the names of the clusters they define.
func (k *k8sCheck) serverConfig(server *container, shards []*workload, servers map[*workload]*container, keeper *workload, keeperCt *container) []string {
	var clusters []string
	for _, p := range sortedKeys(server.files) {
		if !strings.HasPrefix(p, "/etc/clickhouse-server/") || !strings.HasSuffix(p, ".xml") {
			continue
		}
		doc, err := parseXML(server.files[p].content)
		if err != nil {
			k.add("%s: %s: %v", server, p, err)
			continue
		}
		for _, v := range doc.fromEnv() {
			if _, ok := server.env[v]; !ok {
				k.add("%s: %s reads %s, which the container's environment lacks", server, p, v)
			}
		}
		if rs := doc.path("remote_servers"); rs != nil {
			for i := range rs.Nodes {
				cl := &rs.Nodes[i]
				clusters = append(clusters, cl.XMLName.Local)
				k.remoteServers(server, p, cl, shards, servers)
			}
		}
		if zk := doc.path("zookeeper"); zk != nil && keeperCt != nil {
			var got, want []string
			for _, n := range zk.all("node") {
				got = append(got, n.text("host")+":"+n.text("port"))
			}
			client, _ := containerPort(keeperCt.c, intstr.FromString("client"))
			for i := range keeper.replicas {
				want = append(want, fmt.Sprintf("%s-%d.%s:%d", keeper.name, i, keeper.serviceName, client))
			}
			if !sameHosts(got, want) {
				k.add("%s: %s: zookeeper nodes %v are not the keepers %v", server, p, got, want)
			}
		}
	}
	return clusters
}

// remoteServers checks that a cluster's shards are the StatefulSets' pods.
func (k *k8sCheck) remoteServers(server *container, file string, cluster *xmlNode, shards []*workload, servers map[*workload]*container) {
	var got [][]string
	for _, sh := range cluster.all("shard") {
		var hosts []string
		for _, rep := range sh.all("replica") {
			hosts = append(hosts, rep.text("host")+":"+rep.text("port"))
		}
		got = append(got, hosts)
	}
	if len(got) != len(shards) {
		k.add("%s: %s: cluster %s has %d shards, but there are %d ClickHouse StatefulSets", server, file, cluster.XMLName.Local, len(got), len(shards))
		return
	}
	for _, sts := range shards {
		native, _ := containerPort(servers[sts].c, intstr.FromString("native"))
		var want []string
		for i := range sts.replicas {
			want = append(want, fmt.Sprintf("%s-%d.%s:%d", sts.name, i, sts.serviceName, native))
		}
		if !slices.ContainsFunc(got, func(hosts []string) bool { return sameHosts(hosts, want) }) {
			k.add("%s: %s: no shard of cluster %s is the pods of %s %v: %v", server, file, cluster.XMLName.Local, sts, want, got)
		}
	}
}

// sameHosts compares host:port lists, a host being a pod's short name or
// its name qualified with the namespace.
func sameHosts(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	short := func(hp string) string {
		host, port, _ := strings.Cut(hp, ":")
		host = strings.TrimSuffix(host, ".svc.cluster.local")
		host = strings.TrimSuffix(host, ".svc")
		host = strings.TrimSuffix(host, "."+namespace)
		return host + ":" + port
	}
	g := make([]string, len(got))
	for i := range got {
		g[i] = short(got[i])
	}
	return slices.Equal(slices.Sorted(slices.Values(g)), slices.Sorted(slices.Values(want)))
}

// keeperConfig checks keeper.xml against the keeper StatefulSet.
func (k *k8sCheck) keeperConfig(keeper *workload, ct *container) {
	if ct == nil {
		return
	}
	file, _ := k.r.value(ct, "KEEPER_CONFIG")
	mf, ok := ct.files[file]
	if !ok {
		k.add("%s: KEEPER_CONFIG %q is not a file of the container's volumes", ct, file)
		return
	}
	doc, err := parseXML(mf.content)
	if err != nil {
		k.add("%s: %s: %v", ct, file, err)
		return
	}
	exported := regexp.MustCompile(`export (\w+)=`).FindAllStringSubmatch(strings.Join(ct.c.Command, " "), -1)
	for _, v := range doc.fromEnv() {
		_, inEnv := ct.env[v]
		if !inEnv && !slices.ContainsFunc(exported, func(m []string) bool { return m[1] == v }) {
			k.add("%s: %s reads %s, which the container's environment lacks", ct, file, v)
		}
	}
	ks := doc.path("keeper_server")
	if ks == nil {
		k.add("%s: %s has no keeper_server", ct, file)
		return
	}
	client, _ := containerPort(ct.c, intstr.FromString("client"))
	raft, _ := containerPort(ct.c, intstr.FromString("raft"))
	if ks.text("tcp_port") != strconv.Itoa(client) {
		k.add("%s: %s: tcp_port %s is not the client port %d", ct, file, ks.text("tcp_port"), client)
	}
	var got, want []string
	if rc := ks.path("raft_configuration"); rc != nil {
		for _, s := range rc.all("server") {
			got = append(got, s.text("id")+"="+s.text("hostname")+":"+s.text("port"))
		}
	}
	for i := range keeper.replicas {
		want = append(want, fmt.Sprintf("%d=%s-%d.%s:%d", i+1, keeper.name, i, keeper.serviceName, raft))
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		k.add("%s: %s: raft servers %v are not the keeper pods %v (id = ordinal + 1)", ct, file, got, want)
	}
	for _, p := range []string{ks.text("log_storage_path"), ks.text("snapshot_storage_path")} {
		if p != "" && !slices.ContainsFunc(ct.c.VolumeMounts, func(vm corev1.VolumeMount) bool {
			return slices.ContainsFunc(keeper.claims, func(c corev1.PersistentVolumeClaim) bool { return c.Name == vm.Name }) &&
				strings.HasPrefix(p+"/", strings.TrimSuffix(vm.MountPath, "/")+"/")
		}) {
			k.add("%s: %s: %s is not on a volume claim", ct, file, p)
		}
	}
}

// clickhouseClient: the client logs in as its user with the password the
// server gives that user.
func (k *k8sCheck) clickhouseClient(ct, server *container) {
	user, _ := k.r.value(ct, "CW_CLICKHOUSE_USER")
	if want := clickhouseUserOf[ct.binary]; user != want {
		k.add("%s: %s logs in to ClickHouse as %s, want %s", ct, ct.binary, user, want)
	}
	mf, ok := server.files["/etc/clickhouse-server/users.d/carrywatch.xml"]
	if !ok {
		k.add("%s: users.d/carrywatch.xml is not mounted", server)
		return
	}
	doc, err := parseXML(mf.content)
	if err != nil {
		k.add("%s: users.d/carrywatch.xml: %v", server, err)
		return
	}
	variable, err := clickhouseUserPasswordVar(doc, user)
	if err != nil {
		k.add("%s: users.d/carrywatch.xml: %v", server, err)
		return
	}
	k.samePassword(ct, server, "CW_CLICKHOUSE_PASSWORD_FILE", variable, "ClickHouse password of "+user)
}

// samePassword: the file the client ct names in fileVar is a key of a
// Secret volume, the key the server's environment variable passwordVar
// comes from. what names the password in the finding. It reports false
// when the file is no Secret key (nothing to compare).
func (k *k8sCheck) samePassword(ct, server *container, fileVar, passwordVar, what string) bool {
	pwFile, _ := k.r.value(ct, fileVar)
	client, ok := ct.files[pwFile]
	if !ok || client.kind != "Secret" {
		k.add("%s: %s %q is not a file of a Secret volume", ct, fileVar, pwFile)
		return false
	}
	if srv := server.env[passwordVar].secret; srv == nil || *srv != client.ref {
		k.add("%s: %s: the client reads %v, the server's %s comes from %v", ct, what, client.ref, passwordVar, srv)
	}
	return true
}

// secrets: no password is written in the manifests; production has no
// Secret at all, development generates every key production expects.
func (k *k8sCheck) secrets() {
	for _, ct := range k.cs {
		for _, name := range sortedKeys(ct.env) {
			v := ct.env[name]
			if strings.HasSuffix(name, "PASSWORD") && v.literal && v.value != "" {
				k.add("%s: %s has a password in the manifest", ct, name)
			}
		}
	}
	if k.o.prod {
		for _, name := range sortedKeys(k.m.secrets) {
			k.add("Secret %s is in the manifests: production Secrets are created out of band", name)
		}
		return
	}
	for _, key := range outOfBandSecrets["carrywatch-secrets"] {
		if s := k.m.secrets[k.m.generated["carrywatch-secrets"]]; s == nil || s.Data[key] == nil {
			k.add("the generated Secret carrywatch-secrets lacks %s", key)
		}
	}
}

// feeds: each ingest service's feeds file loads and has sources of the
// service's formats (the service refuses to start otherwise).
func (k *k8sCheck) feeds() {
	for _, ct := range k.cs {
		fs, ok := formatsOf[ct.binary]
		if !ok {
			continue
		}
		file, _ := k.r.value(ct, "CW_FEED_CONFIG")
		mf, ok := ct.files[file]
		if !ok {
			continue // files() reports it
		}
		tmp, err := os.CreateTemp("", "feeds-*.yaml")
		if err != nil {
			k.add("%v", err)
			return
		}
		_, err = tmp.Write(mf.content)
		_ = tmp.Close()
		if err == nil {
			var cfg feed.Config
			if cfg, err = feed.LoadConfig(tmp.Name()); err == nil && len(feed.Only(cfg.Sources, fs)) == 0 {
				err = fmt.Errorf("no source of the formats %v", feed.FormatNames(fs))
			}
		}
		_ = os.Remove(tmp.Name())
		if err != nil {
			k.add("%s: feeds file %s: %v", ct, file, err)
		}
	}
}

// grafana: the provisioned data sources reach Services of the overlay, and
// the dashboards are where the provider reads them.
func (k *k8sCheck) grafana() {
	w := k.m.workload("grafana")
	if w == nil {
		return
	}
	var ct *container
	for _, c := range k.cs {
		if c.w == w {
			ct = c
		}
	}
	for p, mf := range ct.files {
		switch {
		case strings.HasPrefix(p, "/etc/grafana/provisioning/datasources/"):
			var ds struct {
				Datasources []struct {
					Name     string
					URL      string
					JSONData map[string]any `yaml:"jsonData"`
				}
			}
			if err := yaml.Unmarshal(mf.content, &ds); err != nil {
				k.add("%s: %s: %v", ct, p, err)
				continue
			}
			for _, d := range ds.Datasources {
				hostPort := strings.TrimPrefix(strings.TrimPrefix(d.URL, "http://"), "https://")
				if host, ok := d.JSONData["host"].(string); ok {
					hostPort = fmt.Sprintf("%s:%v", host, d.JSONData["port"])
				}
				host, port, _ := strings.Cut(hostPort, ":")
				s := k.m.services[host]
				if s == nil || !slices.ContainsFunc(s.Spec.Ports, func(sp corev1.ServicePort) bool { return strconv.Itoa(int(sp.Port)) == port }) {
					k.add("%s: data source %s: no Service %s with port %s", ct, d.Name, host, port)
				}
			}
		case strings.HasPrefix(p, "/etc/grafana/provisioning/dashboards/"):
			var pr struct {
				Providers []struct {
					Name    string
					Options struct{ Path string }
				}
			}
			if err := yaml.Unmarshal(mf.content, &pr); err != nil {
				k.add("%s: %s: %v", ct, p, err)
				continue
			}
			for _, prov := range pr.Providers {
				found := false
				for q, df := range ct.files {
					found = found || (path.Dir(q) == prov.Options.Path && df.ref.name == "grafana-dashboards")
				}
				if !found {
					k.add("%s: dashboard provider %s reads %s, where no dashboard is mounted", ct, prov.Name, prov.Options.Path)
				}
			}
		}
	}
}

// scraping: Prometheus finds every carrywatch service by its annotations,
// at the port of CW_HTTP_ADDR.
func (k *k8sCheck) scraping() {
	for _, ct := range k.cs {
		if !ct.project || ct.w.kind != "Deployment" {
			continue
		}
		a := ct.w.pod.Annotations
		addr, _ := k.r.value(ct, "CW_HTTP_ADDR")
		port, _ := portOf(addr)
		if a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != strconv.Itoa(port) || a["prometheus.io/path"] != "/metrics" {
			k.add("%s: pod annotations do not ask Prometheus to scrape :%d/metrics", ct, port)
		}
	}
	if w := k.m.workload("prometheus"); w != nil {
		for _, ct := range k.cs {
			if ct.w != w {
				continue
			}
			mf := ct.files["/etc/prometheus/prometheus.yml"]
			if !strings.Contains(string(mf.content), "__meta_kubernetes_pod_annotation_prometheus_io_scrape") {
				k.add("%s: prometheus.yml does not discover pods by their prometheus.io/scrape annotation", ct)
			}
		}
	}
}
