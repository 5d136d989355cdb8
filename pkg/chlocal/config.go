package chlocal

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
)

// ports are a server's ports, persisted in ports.json.
type ports struct {
	TCP         int `json:"tcp"`
	HTTP        int `json:"http"`
	Interserver int `json:"interserver"`
}

// loadOrPickPorts reads dir/ports.json, or picks three free ports (each
// preferred one that is free, when preferred is given) and writes
// it.
func loadOrPickPorts(dir string, preferred *ports) (ports, error) {
	file := filepath.Join(dir, "ports.json")
	var p ports
	b, err := os.ReadFile(file)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &p); err != nil {
			return p, fmt.Errorf("read %s: %w", file, err)
		}
		if p.TCP == 0 || p.HTTP == 0 || p.Interserver == 0 {
			return p, fmt.Errorf("read %s: a port is missing", file)
		}
		return p, nil
	case !errors.Is(err, os.ErrNotExist):
		return p, err
	}
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	picked := make([]int, 3)
	var want [3]int
	if preferred != nil {
		want = [3]int{preferred.TCP, preferred.HTTP, preferred.Interserver}
	}
	for i := range picked {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(want[i])))
		if err != nil && want[i] != 0 {
			l, err = net.Listen("tcp", "127.0.0.1:0") // the preferred port is taken
		}
		if err != nil {
			return p, fmt.Errorf("pick a free port: %w", err)
		}
		ls = append(ls, l)
		picked[i] = l.Addr().(*net.TCPAddr).Port
	}
	p = ports{TCP: picked[0], HTTP: picked[1], Interserver: picked[2]}
	b, err = json.MarshalIndent(p, "", "  ")
	if err != nil {
		return p, err
	}
	if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
		return p, err
	}
	return p, nil
}

// The root element stays <yandex>: 18.16 requires it and current servers
// still accept it.
var serverConfig = template.Must(template.New("config.xml").Parse(`<?xml version="1.0"?>
<!-- Written by carrywatch (pkg/chlocal) at every start: edits are overwritten. -->
<yandex>
  <logger>
    <level>warning</level>
    <log>{{.Dir}}/log/clickhouse-server.log</log>
    <errorlog>{{.Dir}}/log/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>3</count>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>{{.Ports.TCP}}</tcp_port>
  <http_port>{{.Ports.HTTP}}</http_port>
  <interserver_http_port>{{.Ports.Interserver}}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>{{.Dir}}/data/</path>
  <tmp_path>{{.Dir}}/data/tmp/</tmp_path>
  <user_files_path>{{.Dir}}/data/user_files/</user_files_path>
  <format_schema_path>{{.Dir}}/data/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <users_config>{{.Dir}}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
`))

const usersConfig = `<?xml version="1.0"?>
<!-- Written by carrywatch (pkg/chlocal) at every start: edits are overwritten. -->
<yandex>
  <profiles><default></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`

// writeServerConfig writes dir/config.xml, dir/users.xml and the files of o
// under dir/config.d and dir/users.d, where the server looks for files to
// merge into config.xml and users.xml.
func writeServerConfig(dir string, p ports, o options) error {
	var esc strings.Builder
	if err := xml.EscapeText(&esc, []byte(dir)); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := serverConfig.Execute(&buf, struct {
		Dir   string
		Ports ports
	}{esc.String(), p}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.xml"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(usersConfig), 0o644); err != nil {
		return err
	}
	for sub, files := range map[string]map[string][]byte{"config.d": o.configFiles, "users.d": o.usersFiles} {
		if len(files) == 0 {
			continue
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, sub, name), content, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}
