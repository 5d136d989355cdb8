package deploy_test

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/conf"
	"github.com/stretchr/testify/require"
)

// reNATSVar finds the variable references ($NAME) of NATS configuration
// text once comments and quoted strings are gone.
var reNATSVar = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// reQuoted is a quoted string of the NATS configuration format.
var reQuoted = regexp.MustCompile(`"[^"]*"|'[^']*'`)

// stripNATSComments drops quoted strings (where $ is literal, as in
// "$JS.API.>") and comments from NATS configuration text.
func stripNATSComments(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		line = reQuoted.ReplaceAllString(line, `""`)
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// natsSecretPrefix marks the value given to each variable the NATS
// configuration refers to, so that a parsed password tells its variable.
const natsSecretPrefix = "value-of-"

// setNATSConfigEnv sets every variable deploy/nats/*.conf refers to, as the
// configuration parser resolves them from the environment.
func setNATSConfigEnv(t testing.TB, root string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "deploy", "nats", "*.conf"))
	require.NoError(t, err)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, m := range reNATSVar.FindAllStringSubmatch(stripNATSComments(string(b)), -1) {
			t.Setenv(m[1], natsSecretPrefix+m[1])
		}
	}
}

// natsConfig is what the manifests must agree with in a NATS server
// configuration.
type natsConfig struct {
	clientPort, httpPort, clusterPort int
	clusterName                       string
	routes                            []string
	storeDir                          string
	tls                               map[string]string
	users                             map[string]natsUser
	// vars are the variables the files refer to.
	vars []string
}

// natsUser is one user of the configuration.
type natsUser struct {
	// passwordVar is the variable the password comes from; empty for a
	// password written in the file.
	passwordVar                          string
	pubAllow, pubDeny, subAllow, subDeny []string
}

// mayPublish and maySubscribe apply the user's permissions to a subject
// as nats-server does: allowed by a pattern and denied by none.
func (u natsUser) mayPublish(subject string) bool { return permits(u.pubAllow, u.pubDeny, subject) }

func (u natsUser) maySubscribe(subject string) bool { return permits(u.subAllow, u.subDeny, subject) }

func permits(allow, deny []string, subject string) bool {
	ok := allow == nil // no permissions block: everything
	for _, p := range allow {
		ok = ok || matchSubject(p, subject)
	}
	for _, p := range deny {
		ok = ok && !matchSubject(p, subject)
	}
	return ok
}

// parseNATSConfig parses a server configuration file (its includes
// relative to it) with the nats-server parser.
func parseNATSConfig(path string) (*natsConfig, error) {
	m, err := conf.ParseFile(path)
	if err != nil {
		return nil, err
	}
	c := &natsConfig{users: map[string]natsUser{}, tls: map[string]string{}}
	m = lowerKeys(m)
	c.clientPort = portSetting(m, "listen", "port")
	c.httpPort = portSetting(m, "http", "http_port", "monitor_port")
	if js, ok := m["jetstream"].(map[string]any); ok {
		c.storeDir, _ = lowerKeys(js)["store_dir"].(string)
	}
	if cl, ok := m["cluster"].(map[string]any); ok {
		cl = lowerKeys(cl)
		c.clusterName, _ = cl["name"].(string)
		c.clusterPort = portSetting(cl, "listen", "port")
		c.routes = strings1(cl["routes"])
	}
	if t, ok := m["tls"].(map[string]any); ok {
		for k, v := range lowerKeys(t) {
			if s, ok := v.(string); ok {
				c.tls[k] = s
			}
		}
	}
	accounts, _ := m["accounts"].(map[string]any)
	for _, acc := range accounts {
		a, _ := acc.(map[string]any)
		users, _ := lowerKeys(a)["users"].([]any)
		for _, u := range users {
			um, _ := u.(map[string]any)
			um = lowerKeys(um)
			name, _ := um["user"].(string)
			password, _ := um["password"].(string)
			var nu natsUser
			if v, ok := strings.CutPrefix(password, natsSecretPrefix); ok {
				nu.passwordVar = v
			}
			if p, ok := um["permissions"].(map[string]any); ok {
				p = lowerKeys(p)
				nu.pubAllow, nu.pubDeny = permissionLists(p["publish"])
				nu.subAllow, nu.subDeny = permissionLists(p["subscribe"])
			}
			c.users[name] = nu
		}
	}
	// The variables: from the file and the files it includes.
	seen := map[string]bool{}
	var scan func(string) error
	scan = func(file string) error {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		text := stripNATSComments(string(b))
		for _, v := range reNATSVar.FindAllStringSubmatch(text, -1) {
			if !seen[v[1]] {
				seen[v[1]] = true
				c.vars = append(c.vars, v[1])
			}
		}
		for _, inc := range regexp.MustCompile(`(?m)^\s*include\s+(\S+)`).FindAllStringSubmatch(string(b), -1) {
			if err := scan(filepath.Join(filepath.Dir(file), strings.Trim(inc[1], `"'`))); err != nil {
				return err
			}
		}
		return nil
	}
	return c, scan(path)
}

// portSetting reads a port given as host:port (listen) or as a number.
func portSetting(m map[string]any, keys ...string) int {
	for _, k := range keys {
		switch v := m[k].(type) {
		case int64:
			return int(v)
		case string:
			if p, ok := portOf(v); ok {
				return p
			}
		}
	}
	return 0
}

// permissionLists reads "subject", ["a", "b"] or {allow: …, deny: …}.
func permissionLists(v any) (allow, deny []string) {
	switch p := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		p = lowerKeys(p)
		return nonNil(strings1(p["allow"])), strings1(p["deny"])
	default:
		return nonNil(strings1(p)), nil
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// strings1 reads a string or a list of strings.
func strings1(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
	case []any:
		var out []string
		for _, e := range s {
			if str, ok := e.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

func lowerKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// xmlNode is any element of a ClickHouse configuration file.
type xmlNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []xmlNode  `xml:",any"`
	Text    string     `xml:",chardata"`
}

func parseXML(data []byte) (*xmlNode, error) {
	var n xmlNode
	if err := xml.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// path returns the first element down the path of names, or nil.
func (n *xmlNode) path(names ...string) *xmlNode {
	cur := n
	for _, name := range names {
		var next *xmlNode
		for i := range cur.Nodes {
			if cur.Nodes[i].XMLName.Local == name {
				next = &cur.Nodes[i]
				break
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

// all returns the children called name.
func (n *xmlNode) all(name string) []*xmlNode {
	var out []*xmlNode
	for i := range n.Nodes {
		if n.Nodes[i].XMLName.Local == name {
			out = append(out, &n.Nodes[i])
		}
	}
	return out
}

// text returns the trimmed text of the element at the path, or "".
func (n *xmlNode) text(names ...string) string {
	if e := n.path(names...); e != nil {
		return strings.TrimSpace(e.Text)
	}
	return ""
}

func (n *xmlNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// fromEnv lists the variables of every from_env attribute under n.
func (n *xmlNode) fromEnv() []string {
	var out []string
	if v := n.attr("from_env"); v != "" {
		out = append(out, v)
	}
	for i := range n.Nodes {
		out = append(out, n.Nodes[i].fromEnv()...)
	}
	return out
}

// clickhouseUserPasswordVar returns the variable a users.d file takes the
// user's password from (password, password_sha256_hex, … with from_env).
func clickhouseUserPasswordVar(users *xmlNode, user string) (string, error) {
	u := users.path("users", user)
	if u == nil {
		return "", fmt.Errorf("no user %s", user)
	}
	for i := range u.Nodes {
		if strings.HasPrefix(u.Nodes[i].XMLName.Local, "password") {
			if v := u.Nodes[i].attr("from_env"); v != "" {
				return v, nil
			}
			return "", fmt.Errorf("user %s has a password written in the file", user)
		}
	}
	return "", fmt.Errorf("user %s has no password", user)
}
