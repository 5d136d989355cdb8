package main

import (
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/web"
)

// defaultNATSURL is where the client subcommands look for the NATS server
// of a `carrywatch up` when CW_NATS_URL is not set and no up has written
// its login to CW_DATA_DIR (see withLocalNATS).
const defaultNATSURL = "nats://127.0.0.1:4222"

// config is everything the all-in-one binary reads from the environment.
type config struct {
	DataDir   string `env:"CW_DATA_DIR"`
	FeedsFile string `env:"CW_FEED_CONFIG"`
	Log       logfx.Config
	Ops       opsfx.Config
	NATS      natsfx.Config
	CH        chfx.Config
	Sink      sink.Config
	Scorer    scorer.Config
	Web       web.Config
}

func loadConfig() (config, error) {
	c, err := envconfig.Parse[config]()
	if err != nil {
		return c, err
	}
	if c.DataDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = os.TempDir()
		}
		c.DataDir = filepath.Join(home, ".local", "share", "carrywatch")
	}
	return c, nil
}

// validate reports every problem of every part of c at once.
func (c config) validate() error { return envconfig.Validate(c) }

func logDiscard() zerolog.Logger { return zerolog.Nop() }
