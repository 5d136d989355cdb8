package feed

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"go.yaml.in/yaml/v3"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// ErrInvalidConfig means a setting of the feeds file (or of the
// environment of an ingest service) cannot work; the wrapping error names
// the source, market, venue or variable.
var ErrInvalidConfig = errors.New("invalid feed config")

// Config is the feeds file (CW_FEED_CONFIG): which sources to poll and the
// venues the outage block weighs. See deploy/feeds.example.yaml.
type Config struct {
	// Defaults apply to every source that leaves a field unset.
	Defaults Source `yaml:"defaults,omitempty"`
	// Sources are polled concurrently, each on its own schedule.
	Sources []Source `yaml:"sources"`
	// Venues lists the trading venues whose outages count, with their
	// weight in the venue-availability component (CME Globex 0.6, a top spot
	// exchange 0.2).
	Venues []Venue `yaml:"venues,omitempty"`
	// Markets are the market inputs the model reads, with their unit,
	// cadence, calendar and max_age: DefaultMarkets, each overridden field
	// by field by an entry of the same name in the file, plus the file's
	// other entries. See MarketConfig.
	Markets []MarketConfig `yaml:"markets,omitempty"`
}

// Venue is a trading venue and its weight.
type Venue struct {
	Name   string  `yaml:"name"`
	Weight float64 `yaml:"weight"`
}

// LoadConfig reads and validates a feeds file. Unknown keys are errors, so
// a misspelt setting is never silently ignored.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read feeds file: %w", err)
	}
	return ParseConfig(data)
}

// ParseConfig decodes and validates a feeds file's bytes.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("parse feeds file: %w", err)
	}
	for i, s := range c.Sources {
		c.Sources[i] = s.inherit(c.Defaults).WithDefaults()
	}
	dups := duplicateMarkets(c.Markets)
	c.Markets = mergeMarkets(c.Markets)
	if err := errors.Join(c.Validate(), dups); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate reports every problem, each wrapping ErrInvalidConfig: invalid
// sources, duplicate names, venues without a name or with a weight
// outside [0, 1], invalid or duplicate markets.
func (c Config) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	validateNamed(&p, "source", c.Sources, func(s Source) string { return s.Name })
	for _, v := range c.Venues {
		if !event.ValidSource(v.Name) {
			p.Addf("venue %q: name must be lowercase [a-z0-9_.-]", v.Name)
		}
		if v.Weight < 0 || v.Weight > 1 {
			p.Addf("venue %q: weight %v is outside [0, 1]", v.Name, v.Weight)
		}
	}
	validateNamed(&p, "market", c.Markets, func(m MarketConfig) string { return m.Name })
	return p.Err()
}

// validateNamed adds to p the problems of each item and one for every name
// (of what) that appears twice.
func validateNamed[T interface{ Validate() error }](p *envconfig.Problems, what string, items []T, name func(T) string) {
	seen := map[string]bool{}
	for _, it := range items {
		p.Add(it.Validate())
		if seen[name(it)] {
			p.Addf("%s %q appears twice", what, name(it))
		}
		seen[name(it)] = true
	}
}
