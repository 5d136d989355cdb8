package deploy_test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

func TestCompose(t *testing.T) { assertNoFindings(t, checkCompose) }

// loadCompose loads deploy/docker-compose.yml as docker compose does:
// validated against the Compose schema, the ${VAR:-default} of an empty
// environment interpolated, relative paths made absolute.
func loadCompose(r *repo) (*types.Project, error) {
	file := r.path("deploy", "docker-compose.yml")
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  filepath.Dir(file),
		ConfigFiles: []types.ConfigFile{{Filename: file}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("carrywatch", true) })
}

func checkCompose(r *repo, f *findings) {
	p, err := loadCompose(r)
	if err != nil {
		f.add("docker-compose.yml: %v", err)
		return
	}
	serverSide, err := serverVars(r)
	if err != nil {
		f.add("%v", err)
	}
	subcommands, err := carrywatchSubcommands(r)
	if err != nil {
		f.add("%v", err)
	}
	add := func(svc, format string, args ...any) { f.add("compose: service "+svc+": "+format, args...) }
	env := func(s types.ServiceConfig, name string) string {
		if v := s.Environment[name]; v != nil {
			return *v
		}
		return r.env[name].def
	}

	for _, name := range sortedKeys(p.Services) {
		s := p.Services[name]
		project := isProjectImage(s.Image)
		for _, v := range sortedKeys(s.Environment) {
			checkVarName(r, serverSide, "compose: service "+name, v, project, f)
		}
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					add(name, "mounted host path %s does not exist", v.Source)
				}
			}
		}
		if b := s.Build; b != nil {
			if _, err := os.Stat(filepath.Join(b.Context, b.Dockerfile)); err != nil {
				add(name, "build: %s does not exist in %s", b.Dockerfile, b.Context)
			}
			if b.Dockerfile != "deploy/docker/Dockerfile" || !samePath(b.Context, r.root) {
				add(name, "build: not deploy/docker/Dockerfile from the repository root")
			}
		}
		for dep, d := range s.DependsOn {
			target, ok := p.Services[dep]
			switch {
			case !ok:
				add(name, "depends on %s, which is not a service", dep)
			case d.Condition == types.ServiceConditionHealthy && (target.HealthCheck == nil || target.HealthCheck.Disable):
				add(name, "waits for %s to be healthy, but it has no healthcheck", dep)
			case d.Condition == types.ServiceConditionCompletedSuccessfully && target.Restart != "no":
				add(name, "waits for %s to complete, but it restarts (%q)", dep, target.Restart)
			}
		}
		if !project {
			continue
		}
		// What the container runs: a binary of the image, and for the CLI
		// one of its subcommands.
		binary := "carrywatch"
		if len(s.Entrypoint) > 0 {
			binary = path.Base(s.Entrypoint[0])
		}
		if !r.binaries[binary] {
			add(name, "runs %s, which is not a binary of the image (services/)", binary)
		}
		if binary == "carrywatch" && (len(s.Command) == 0 || !subcommands[s.Command[0]]) {
			add(name, "runs carrywatch %v: not a subcommand of the CLI %v", s.Command, sortedKeys(subcommands))
		}
		if addr := env(s, "CW_HTTP_ADDR"); binary != "carrywatch" && addr != ":8080" {
			add(name, "CW_HTTP_ADDR=%s: the services serve :8080 in compose", addr)
		}
		for _, variable := range []string{"CW_NATS_URL", "CW_CLICKHOUSE_ADDR"} {
			if v := env(s, variable); v != "" {
				_, hostPort, _ := strings.Cut(v, "://")
				if hostPort == "" {
					hostPort = v
				}
				host, _, _ := strings.Cut(hostPort, ":")
				if _, ok := p.Services[host]; !ok {
					add(name, "%s=%s: no service %s", variable, v, host)
				}
			}
		}
		if _, ok := formatsOf[binary]; ok {
			feeds := env(s, "CW_FEED_CONFIG")
			if !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == feeds }) {
				add(name, "CW_FEED_CONFIG=%s is not mounted", feeds)
			}
		}
		checkComposeLogins(r, p, name, binary, env, f)
	}
	checkComposeScraping(r, p, f)
}

// checkComposeLogins: a service logs in as its users with the passwords
// the servers give them.
func checkComposeLogins(r *repo, p *types.Project, name, binary string, env func(types.ServiceConfig, string) string, f *findings) {
	s := p.Services[name]
	add := func(format string, args ...any) { f.add("compose: service "+name+": "+format, args...) }
	natsCfg, err := parseNATSConfig(r.path("deploy", "nats", "nats.conf"))
	if err != nil {
		add("deploy/nats/nats.conf: %v", err)
		return
	}
	user := env(s, "CW_NATS_USER")
	if want := natsUserOf[binary]; user != want {
		add("%s logs in to NATS as %s, want %s", binary, user, want)
	}
	u, ok := natsCfg.users[user]
	if !ok {
		add("NATS has no user %q", user)
	} else if server := env(p.Services["nats"], u.passwordVar); server == "" || env(s, "CW_NATS_PASSWORD") != server {
		add("%s's NATS password is not the server's %s", user, u.passwordVar)
	}
	if ok {
		if inbox := (natsfx.Config{User: user, InboxPrefix: env(s, "CW_NATS_INBOX_PREFIX")}).Inbox(); !u.maySubscribe(inbox + ".x") {
			add("NATS user %s may not subscribe to %s.> (CW_NATS_INBOX_PREFIX)", user, inbox)
		}
		if manage := env(s, "CW_NATS_MANAGE_STREAMS"); manage != "false" && !u.mayPublish("$JS.API.STREAM.CREATE.CW_EVENTS") {
			add("CW_NATS_MANAGE_STREAMS=%s but NATS user %s may not create streams", manage, user)
		}
	}
	chUser := env(s, "CW_CLICKHOUSE_USER")
	if env(s, "CW_CLICKHOUSE_ADDR") == "" {
		chUser = ""
	}
	if want := clickhouseUserOf[binary]; chUser != want {
		add("%s logs in to ClickHouse as %q, want %q", binary, chUser, want)
	}
	if chUser == "" {
		return
	}
	b, err := os.ReadFile(r.path("deploy", "clickhouse", "users.d", "carrywatch.xml"))
	if err != nil {
		add("%v", err)
		return
	}
	doc, err := parseXML(b)
	if err != nil {
		add("users.d/carrywatch.xml: %v", err)
		return
	}
	variable, err := clickhouseUserPasswordVar(doc, chUser)
	if err != nil {
		add("users.d/carrywatch.xml: %v", err)
		return
	}
	if server := env(p.Services["clickhouse"], variable); server == "" || env(s, "CW_CLICKHOUSE_PASSWORD") != server {
		add("%s's ClickHouse password is not the server's %s", chUser, variable)
	}
}

// checkComposeScraping: Prometheus scrapes every long-running carrywatch
// service on :8080, and nothing else there.
func checkComposeScraping(r *repo, p *types.Project, f *findings) {
	b, err := os.ReadFile(r.path("deploy", "prometheus", "prometheus.yml"))
	if err != nil {
		f.add("prometheus: %v", err)
		return
	}
	var cfg struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string
			} `yaml:"static_configs"`
			DNSSDConfigs []struct {
				Names []string
				Port  int
			} `yaml:"dns_sd_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		f.add("prometheus: prometheus.yml: %v", err)
		return
	}
	scraped := map[string]bool{}
	for _, sc := range cfg.ScrapeConfigs {
		var targets []string
		for _, st := range sc.StaticConfigs {
			targets = append(targets, st.Targets...)
		}
		for _, d := range sc.DNSSDConfigs {
			for _, n := range d.Names {
				targets = append(targets, fmt.Sprintf("%s:%d", n, d.Port))
			}
		}
		for _, t := range targets {
			host, port, _ := strings.Cut(t, ":")
			if host == "localhost" && sc.JobName == "prometheus" {
				continue
			}
			s, ok := p.Services[host]
			if !ok || !slices.Contains(metricsPorts(r, s), port) {
				f.add("prometheus: job %s scrapes %s, which is not a service's metrics port", sc.JobName, t)
				continue
			}
			scraped[host] = true
		}
	}
	for _, name := range sortedKeys(p.Services) {
		s := p.Services[name]
		if isProjectImage(s.Image) && s.Restart != "no" && !scraped[name] {
			f.add("prometheus: compose service %s is not scraped", name)
		}
	}
}

// metricsPorts are the ports a compose service serves /metrics on: a
// carrywatch service's CW_HTTP_ADDR, a server's <prometheus><port> in the
// ClickHouse configuration files it mounts.
func metricsPorts(r *repo, s types.ServiceConfig) []string {
	var out []string
	if isProjectImage(s.Image) {
		addr := r.env["CW_HTTP_ADDR"].def
		if v := s.Environment["CW_HTTP_ADDR"]; v != nil {
			addr = *v
		}
		if p, ok := portOf(addr); ok {
			out = append(out, strconv.Itoa(p))
		}
	}
	for _, v := range s.Volumes {
		if v.Type != types.VolumeTypeBind || !strings.HasSuffix(v.Source, ".xml") {
			continue
		}
		b, err := os.ReadFile(v.Source)
		if err != nil {
			continue
		}
		if doc, err := parseXML(b); err == nil && doc.text("prometheus", "port") != "" {
			out = append(out, doc.text("prometheus", "port"))
		}
	}
	return out
}

// carrywatchSubcommands lists the cobra commands of the CLI (Use: "name …").
func carrywatchSubcommands(r *repo) (map[string]bool, error) {
	files, err := filepath.Glob(r.path("services", "carrywatch", "*.go"))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	re := regexp.MustCompile(`Use:\s+"([a-z-]+)`)
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
	}
	if !out["migrate"] {
		return nil, fmt.Errorf("services/carrywatch: no migrate subcommand found")
	}
	return out, nil
}

func samePath(a, b string) bool {
	ea, err1 := filepath.EvalSymlinks(a)
	eb, err2 := filepath.EvalSymlinks(b)
	if err1 != nil || err2 != nil {
		return false
	}
	aa, _ := filepath.Abs(ea)
	bb, _ := filepath.Abs(eb)
	return aa == bb
}
