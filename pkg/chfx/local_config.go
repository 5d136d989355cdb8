package chfx

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/carrywatch/carrywatch/pkg/backoff"
)

// readyTimeout bounds how long a local server may take to answer a ping when
// the caller's context has no deadline of its own.
const readyTimeout = 2 * time.Minute

// localPorts are a local server's ports, persisted in ports.json.
type localPorts struct {
	TCP         int `json:"tcp"`
	HTTP        int `json:"http"`
	Interserver int `json:"interserver"`
}

// loadOrPickPorts reads dir/ports.json, or picks three free ports (each
// preferred one that is free, when preferred is given) and writes
// it.
func loadOrPickPorts(dir string, preferred *localPorts) (localPorts, error) {
	file := filepath.Join(dir, "ports.json")
	var p localPorts
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
	ports := make([]int, 3)
	var want [3]int
	if preferred != nil {
		want = [3]int{preferred.TCP, preferred.HTTP, preferred.Interserver}
	}
	for i := range ports {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(want[i])))
		if err != nil && want[i] != 0 {
			l, err = net.Listen("tcp", "127.0.0.1:0") // the preferred port is taken
		}
		if err != nil {
			return p, fmt.Errorf("pick a free port: %w", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	p = localPorts{TCP: ports[0], HTTP: ports[1], Interserver: ports[2]}
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
<!-- Written by carrywatch (pkg/chfx) at every start: edits are overwritten. -->
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
<!-- Written by carrywatch (pkg/chfx) at every start: edits are overwritten. -->
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

// validate checks that every extra file name is a plain .xml name.
func (o localOptions) validate() error {
	for _, files := range []map[string][]byte{o.configFiles, o.usersFiles} {
		for name := range files {
			if name != filepath.Base(name) || filepath.Ext(name) != ".xml" || strings.HasPrefix(name, ".") {
				return fmt.Errorf("configuration file name %q is not a plain name ending in .xml", name)
			}
		}
	}
	return nil
}

// writeServerConfig writes dir/config.xml, dir/users.xml and the files of o
// under dir/config.d and dir/users.d, where the server looks for files to
// merge into config.xml and users.xml.
func writeServerConfig(dir string, ports localPorts, o localOptions) error {
	var esc strings.Builder
	if err := xml.EscapeText(&esc, []byte(dir)); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := serverConfig.Execute(&buf, struct {
		Dir   string
		Ports localPorts
	}{esc.String(), ports}); err != nil {
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

// waitReady pings addr with backoff until it answers, the process exits
// (ErrServerExited), or ctx ends (capped at readyTimeout). A server error,
// such as a refused login, is an answer.
func waitReady(ctx context.Context, addr string, exited <-chan struct{}) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, readyTimeout)
		defer cancel()
	}
	retry := readyBackoff.Start(ctx, exited)
	var last error
	var ex *clickhouse.Exception
	for {
		if last = pingOnce(ctx, addr); last == nil || errors.As(last, &ex) {
			return nil
		}
		if !retry.Wait() {
			break
		}
	}
	if errors.Is(retry.Err(), backoff.ErrStopped) {
		return ErrServerExited
	}
	return fmt.Errorf("wait for %s: %w (last ping: %v)", addr, retry.Err(), last)
}

// readyBackoff spaces waitReady's pings.
var readyBackoff = backoff.Policy{First: 10 * time.Millisecond, Max: 500 * time.Millisecond}

func pingOnce(ctx context.Context, addr string) error {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol:     clickhouse.Native,
		Addr:         []string{addr},
		DialTimeout:  time.Second,
		MaxOpenConns: 1,
		MaxIdleConns: 1,
	})
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return conn.Ping(pctx)
}

func fileSize(name string) int64 {
	st, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return st.Size()
}

// tailSince returns the last 2 KiB written to errLog after offset, or if
// there are none the last 2 KiB of console, for error messages.
func tailSince(errLog string, offset int64, console string) string {
	if s := tail(errLog, offset, 2048); s != "" {
		return "error log " + errLog + ":\n" + s
	}
	if s := tail(console, 0, 2048); s != "" {
		return "console " + console + ":\n" + s
	}
	return "no server log output in " + filepath.Dir(errLog)
}

func tail(name string, offset, limit int64) string {
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil || st.Size() <= offset {
		return ""
	}
	start := max(offset, st.Size()-limit)
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return strings.TrimSpace(string(b))
}
