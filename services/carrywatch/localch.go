package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/web"
)

// Ports of the local ClickHouse of `carrywatch up` on a new data dir, each
// one that is free (any free port stands in for one that is taken), clear
// of a system server's 9000 and 8123.
const (
	localCHTCPPort         = 19000
	localCHHTTPPort        = 18123
	localCHInterserverPort = 19009
)

// localCHFile is where up writes the address of the ClickHouse it uses, so
// that migrate and backtest --from-clickhouse find it without settings.
func localCHFile(dataDir string) string {
	return filepath.Join(dataDir, "credentials", "clickhouse.env")
}

// saveLocalCH writes addr and database to dataDir (owner only).
func saveLocalCH(dataDir, addr, database string) error {
	content := "# The ClickHouse of carrywatch up, rewritten at every start. carrywatch\n" +
		"# commands read it when CW_CLICKHOUSE_ADDR is unset.\n" +
		fmt.Sprintf("CW_CLICKHOUSE_ADDR=%s\nCW_CLICKHOUSE_DATABASE=%s\n", addr, database)
	return writePrivateFile(localCHFile(dataDir), content)
}

// withLocalCH points a client command's ClickHouse configuration, when
// CW_CLICKHOUSE_ADDR is unset, at the local server of the `carrywatch up`
// that last ran on dataDir, and its database. Without one it leaves cfg.
func withLocalCH(cfg chfx.Config, dataDir string) (chfx.Config, error) {
	if len(cfg.Addr) > 0 {
		return cfg, nil
	}
	data, err := os.ReadFile(localCHFile(dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("read the ClickHouse address of carrywatch up: %w", err)
	}
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		k, v, _ := strings.Cut(strings.TrimSpace(s.Text()), "=")
		switch k {
		case "CW_CLICKHOUSE_ADDR":
			cfg.Addr = []string{v}
		case "CW_CLICKHOUSE_DATABASE":
			cfg.Database = v
		}
	}
	return cfg, nil
}

// writePrivateFile replaces path with content at once, readable and
// writable by the owner only (0600, in a 0700 directory).
func writePrivateFile(path, content string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("restrict %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*") // mode 0600
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// upInfo is what the ready block of `carrywatch up` tells a user.
type upInfo struct {
	NATSURL, NATSLogin string // NATSLogin: the login file, empty when the environment gave it
	CHAddr, CHDatabase string
	CHUser             string
	CHPassword         bool   // a password is needed (it is never printed)
	CHFile             string // the address file client commands read, empty if none
	HTTPAddr           string // the ops endpoint's bound address, "" when disabled
	WebURL             string // the live page, "" when disabled
	DataDir            string
	// Data says what feeds the pipeline: the live sources, or a replay and
	// where it keeps its store.
	Data string
}

// writeReady prints the block `carrywatch up` prints once ready: where
// NATS and ClickHouse are, a clickhouse-client command to paste, and where
// the logins are.
func writeReady(w io.Writer, u upInfo) error {
	host, port, err := net.SplitHostPort(u.CHAddr)
	if err != nil {
		host, port = u.CHAddr, "9000"
	}
	client := "clickhouse-client"
	if host != "127.0.0.1" && host != "localhost" && host != "" {
		client += " --host " + host
	}
	client += " --port " + port + " --database " + u.CHDatabase
	if u.CHUser != "" && u.CHUser != chfx.DefaultUser {
		client += " --user " + u.CHUser
	}
	if u.CHPassword {
		client += " --password"
	}
	var b strings.Builder
	b.WriteString("\ncarrywatch is up\n")
	if u.Data != "" {
		fmt.Fprintf(&b, "  data         %s\n", u.Data)
	}
	fmt.Fprintf(&b, "  NATS         %s\n", u.NATSURL)
	if u.NATSLogin != "" {
		fmt.Fprintf(&b, "               login: %s (set -a; . %s; set +a for a stock nats client)\n", u.NATSLogin, u.NATSLogin)
	} else {
		b.WriteString("               login: the one in up's environment\n")
	}
	fmt.Fprintf(&b, "  ClickHouse   %s, database %s\n", u.CHAddr, u.CHDatabase)
	fmt.Fprintf(&b, "               %s\n", client)
	if u.WebURL != "" {
		fmt.Fprintf(&b, "  page         %s (the index, its print, feeds, incidents; live)\n", u.WebURL)
	}
	if u.HTTPAddr != "" { // "" when the endpoint is disabled
		fmt.Fprintf(&b, "  ops          http://%s/readyz and /metrics\n", web.Browsable(u.HTTPAddr))
	}
	fmt.Fprintf(&b, "  clients      carrywatch tail cw.risk.score, publish, outage, migrate and backtest --from-clickhouse\n")
	fmt.Fprintf(&b, "               find this up through its data dir %s\n\n", u.DataDir)
	_, err = io.WriteString(w, b.String())
	return err
}
