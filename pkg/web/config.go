package web

import (
	"net"
	"time"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

// Config is where the page listens and how much it keeps.
type Config struct {
	// Addr is host:port of the page; ":0" picks a free port, "" disables
	// the page. The default is loopback only: the page has no login.
	Addr string `env:"CW_WEB_ADDR" envDefault:"127.0.0.1:8090"`
	// History is how far back (in stream time) the chart starts on start.
	History time.Duration
	// MaxPoints bounds the prints the chart keeps; the oldest go first.
	MaxPoints int
	// StaleAfter is the observation age past which a feed reads as stale.
	// Four days cover a weekend and a holiday of the daily series.
	StaleAfter time.Duration
	// PushInterval is the least time between two pushes to one browser,
	// so a fast replay coalesces into a few updates a second.
	PushInterval time.Duration
}

// DefaultConfig returns the defaults: loopback 127.0.0.1:8090, 24 h of
// history up to 2000 prints, stale after 96 h, 250 ms between pushes.
func DefaultConfig() Config {
	return Config{Addr: "127.0.0.1:8090"}.withDefaults()
}

// withDefaults fills the fields the environment does not set.
func (c Config) withDefaults() Config {
	if c.History == 0 {
		c.History = 24 * time.Hour
	}
	if c.MaxPoints == 0 {
		c.MaxPoints = 2000
	}
	if c.StaleAfter == 0 {
		c.StaleAfter = 96 * time.Hour
	}
	if c.PushInterval == 0 {
		c.PushInterval = 250 * time.Millisecond
	}
	return c
}

// Validate returns every problem of c joined, each wrapping
// ErrInvalidConfig, or nil.
func (c Config) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			p.Addf("CW_WEB_ADDR %q is not host:port: %v", c.Addr, err)
		}
	}
	if c.History < 0 {
		p.Addf("history must not be negative")
	}
	if c.MaxPoints < 0 {
		p.Addf("max points must not be negative")
	}
	if c.StaleAfter < 0 || c.PushInterval < 0 {
		p.Addf("stale after and push interval must not be negative")
	}
	return p.Err()
}
