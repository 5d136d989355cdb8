package feed

import (
	"cmp"
	"net/url"
	"time"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
	"github.com/carrywatch/carrywatch/pkg/event"
)

// Source is one feed to poll: where its body comes from, how to parse it
// and how often.
type Source struct {
	// Name identifies the source in logs, metrics and dead letters:
	// lowercase [a-z0-9_.-].
	Name string `yaml:"name"`
	// URL is http(s):// or file:// (a local file, re-read every poll).
	URL string `yaml:"url"`
	// Format is a registered parser name, e.g. "mof-jgb".
	Format string `yaml:"format"`
	// Params configure the format, e.g. {venue: kraken}.
	Params map[string]string `yaml:"params,omitempty"`
	// Interval is the time between polls.
	Interval time.Duration `yaml:"interval,omitempty"`
	// Jitter spreads polls by ± this fraction of Interval (0–0.5); nil
	// takes the default, 0 polls on the exact interval.
	Jitter *float64 `yaml:"jitter,omitempty"`
	// Timeout bounds one fetch.
	Timeout time.Duration `yaml:"timeout,omitempty"`
	// MaxBodyBytes is the largest body accepted; a larger one is
	// dead-lettered.
	MaxBodyBytes int64 `yaml:"max_body_bytes,omitempty"`
	// RetryBase is the first retry delay after a failed fetch; it doubles
	// per consecutive failure up to Interval.
	RetryBase time.Duration `yaml:"retry_base,omitempty"`
	// Headers are sent with every request (an API key, a User-Agent).
	Headers map[string]string `yaml:"headers,omitempty"`
}

// Source defaults, applied by WithDefaults.
const (
	DefaultInterval     = 5 * time.Minute
	DefaultJitter       = 0.1
	DefaultTimeout      = 20 * time.Second
	DefaultMaxBodyBytes = 32 << 20
	DefaultRetryBase    = 5 * time.Second
)

// WithDefaults fills every unset field with its default.
func (s Source) WithDefaults() Source {
	jitter := DefaultJitter
	return s.inherit(Source{
		Interval:     DefaultInterval,
		Jitter:       &jitter,
		Timeout:      DefaultTimeout,
		MaxBodyBytes: DefaultMaxBodyBytes,
		RetryBase:    DefaultRetryBase,
	})
}

// inherit fills s's unset fields (Interval, Jitter, Timeout, MaxBodyBytes,
// RetryBase, Headers) from d.
func (s Source) inherit(d Source) Source {
	s.Interval = cmp.Or(s.Interval, d.Interval)
	s.Timeout = cmp.Or(s.Timeout, d.Timeout)
	s.MaxBodyBytes = cmp.Or(s.MaxBodyBytes, d.MaxBodyBytes)
	s.RetryBase = cmp.Or(s.RetryBase, d.RetryBase)
	if s.Jitter == nil {
		s.Jitter = d.Jitter
	}
	if len(s.Headers) == 0 {
		s.Headers = d.Headers
	}
	return s
}

// JitterFraction is Jitter, or DefaultJitter when it is unset.
func (s Source) JitterFraction() float64 {
	if s.Jitter == nil {
		return DefaultJitter
	}
	return *s.Jitter
}

// Validate reports every problem of s, each wrapping ErrInvalidConfig
// and naming the source.
func (s Source) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	bad := func(format string, args ...any) { p.Addf("source %q: "+format, append([]any{s.Name}, args...)...) }
	if !event.ValidSource(s.Name) {
		bad("name must be 1-64 of [a-z0-9_.-], starting with a letter or digit")
	}
	if u, err := url.Parse(s.URLAt(time.Time{})); err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") {
		bad("url %q must be http://, https:// or file://", s.URL)
	}
	if s.Format == "" {
		bad("format is empty")
	}
	if s.Interval < time.Second {
		bad("interval %s is under 1s", s.Interval)
	}
	if j := s.JitterFraction(); j < 0 || j > 0.5 {
		bad("jitter %v is outside 0..0.5", j)
	}
	if s.Timeout <= 0 {
		bad("timeout must be positive")
	}
	if s.MaxBodyBytes <= 0 {
		bad("max_body_bytes must be positive")
	}
	if s.RetryBase <= 0 {
		bad("retry_base must be positive")
	}
	return p.Err()
}
