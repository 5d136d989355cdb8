package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/spf13/cobra"
)

// localNATSUser is the only user of the embedded NATS server of
// `carrywatch up`; it may do anything, as admin does in a deployment.
const localNATSUser = "admin"

// localNATS is the embedded NATS server of a `carrywatch up` and the login
// it takes, as up writes them to its data directory for the client
// commands and for stock NATS clients. Password is empty when up was given
// its login in the environment, which keeps it.
type localNATS struct {
	URL      string
	User     string
	Password string
	// Replay names the scenario the up is replaying, "" when it is live.
	Replay string
}

// localNATSFile is where up keeps the login of its embedded server: a
// file only the owner may read, in a directory only the owner may enter.
func localNATSFile(dataDir string) string {
	return filepath.Join(dataDir, "credentials", "nats.env")
}

// loadLocalNATS reads the file up wrote in dataDir. The error wraps
// fs.ErrNotExist when up has never run there.
func loadLocalNATS(dataDir string) (localNATS, error) {
	path := localNATSFile(dataDir)
	data, err := os.ReadFile(path)
	if err != nil {
		return localNATS{}, fmt.Errorf("read embedded nats login: %w", err)
	}
	var l localNATS
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "NATS_URL":
			l.URL = v
		case "NATS_USER":
			l.User = v
		case "NATS_PASSWORD":
			l.Password = v
		case "CW_REPLAY":
			l.Replay = v
		}
	}
	if l.URL == "" {
		return localNATS{}, fmt.Errorf("%w: %s has no NATS_URL; restart carrywatch up", natsfx.ErrInvalidConfig, path)
	}
	return l, nil
}

// localNATSLogin returns the login up's embedded server takes: the one
// saved in dataDir by an earlier start, or else a new random password.
func localNATSLogin(dataDir string) (localNATS, error) {
	l, err := loadLocalNATS(dataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || err == nil && l.Password == "":
		return localNATS{User: localNATSUser, Password: rand.Text()}, nil
	case err != nil:
		return localNATS{}, err
	}
	return l, nil
}

// saveLocalNATS writes l to dataDir, replacing the file at once, readable
// and writable by the owner only (0600, in a 0700 directory). Its lines
// are environment variables a stock NATS client reads.
func saveLocalNATS(dataDir string, l localNATS) error {
	path := localNATSFile(dataDir)
	var b strings.Builder
	b.WriteString("# The embedded NATS server of carrywatch up and its login, rewritten at\n" +
		"# every start. carrywatch commands read it when CW_NATS_URL is unset.\n")
	if l.Password != "" {
		fmt.Fprintf(&b, "# The password is made once. A stock client:\n#   set -a; . \"%s\"; set +a\n#   nats sub cw.risk.score\n", path)
	} else {
		b.WriteString("# The password is the one up was given (CW_NATS_PASSWORD or CW_NATS_PASSWORD_FILE).\n")
	}
	fmt.Fprintf(&b, "NATS_URL=%s\n", l.URL)
	if l.User != "" {
		fmt.Fprintf(&b, "NATS_USER=%s\n", l.User)
	}
	if l.Password != "" {
		fmt.Fprintf(&b, "NATS_PASSWORD=%s\n", l.Password)
	}
	if l.Replay != "" {
		fmt.Fprintf(&b, "# This up replays a scenario: publish, outage and feed backfill refuse to\n# send into it unless given --into-replay.\nCW_REPLAY=%s\n", l.Replay)
	}
	return writePrivateFile(path, b.String())
}

// withLocalNATS points a client command's NATS configuration, when
// CW_NATS_URL is unset, at the embedded server of the `carrywatch up`
// running on dataDir, with its login unless the environment gives one.
// The error wraps natsfx.ErrInvalidConfig when up kept no password there
// (it had its login from its environment) and the environment has none.
// Without such a server it leaves cfg on defaultNATSURL.
func withLocalNATS(cfg natsfx.Config, dataDir string) (natsfx.Config, error) {
	if cfg.URL != "" {
		return cfg, nil
	}
	l, err := loadLocalNATS(dataDir)
	if errors.Is(err, fs.ErrNotExist) {
		cfg.URL = defaultNATSURL
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	cfg.URL = l.URL
	if len(natsAuthVars(cfg)) > 0 {
		return cfg, nil
	}
	if l.Password == "" {
		return cfg, fmt.Errorf("%w: the carrywatch up on %s was given its NATS login in its environment: set the same CW_NATS_USER and CW_NATS_PASSWORD or CW_NATS_PASSWORD_FILE",
			natsfx.ErrInvalidConfig, dataDir)
	}
	cfg.User, cfg.Password = l.User, l.Password
	return cfg, nil
}

// natsAuthVars names the authentication variables set in cfg.
func natsAuthVars(cfg natsfx.Config) []string {
	var out []string
	for _, v := range []struct{ name, value string }{
		{"CW_NATS_USER", cfg.User}, {"CW_NATS_PASSWORD", cfg.Password}, {"CW_NATS_PASSWORD_FILE", cfg.PasswordFile},
		{"CW_NATS_TOKEN", cfg.Token}, {"CW_NATS_NKEY_SEED_FILE", cfg.NKeySeedFile}, {"CW_NATS_CREDS_FILE", cfg.CredsFile},
	} {
		if v.value != "" {
			out = append(out, v.name)
		}
	}
	return out
}

// ErrReplayRunning is returned when a command would send live events into
// the NATS server of an up that is replaying a scenario.
var ErrReplayRunning = errors.New("carrywatch up is replaying a scenario")

// checkNotReplay refuses, unless intoReplay, to send events to the
// embedded server of the up on dataDir while it replays a scenario: the
// events would share the replay's event-time history. With CW_NATS_URL set
// the operator has chosen the server, and nothing is checked.
func checkNotReplay(cfg natsfx.Config, dataDir string, intoReplay bool) error {
	if cfg.URL != "" || intoReplay {
		return nil
	}
	l, err := loadLocalNATS(dataDir)
	if err != nil || l.Replay == "" {
		return nil // no up there, or a live one: the connection says the rest
	}
	return fmt.Errorf("%w: the up on %s replays %s in its own event time; run `carrywatch up` without --scenario for live data, "+
		"or pass --into-replay to add this event to the replay", ErrReplayRunning, dataDir, l.Replay)
}

// intoReplayFlag adds --into-replay, the override of checkNotReplay, to
// a command that sends events.
func intoReplayFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "into-replay", false, "send even into the NATS server of an up that replays a scenario")
}
