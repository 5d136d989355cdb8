package envconfig_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

var (
	errA = errors.New("invalid a config")
	errB = errors.New("invalid b config")
)

// a and b stand for the Configs of two packages.
type a struct {
	Timeout time.Duration `env:"TEST_A_TIMEOUT" envDefault:"1s"`
	Name    string        `env:"TEST_A_NAME" envDefault:"a"`
}

func (c a) Validate() error {
	p := envconfig.Problems{Sentinel: errA}
	if c.Timeout <= 0 {
		p.Addf("TEST_A_TIMEOUT must be positive, got %s", c.Timeout)
	}
	if c.Name == "" {
		p.Addf("TEST_A_NAME is empty")
	}
	return p.Err()
}

type b struct {
	Retries int    `env:"TEST_B_RETRIES" envDefault:"3"`
	URL     string `env:"TEST_B_URL"`
}

func (c b) Validate() error {
	p := envconfig.Problems{Sentinel: errB}
	if c.Retries < 0 {
		p.Addf("TEST_B_RETRIES must not be negative, got %d", c.Retries)
	}
	return p.Err()
}

// service composes a and b, and requires TEST_B_URL.
type service struct {
	Label string `env:"TEST_LABEL"`
	A     a
	B     b
}

func (s service) Validate() error {
	if s.B.URL == "" {
		return fmt.Errorf("%w: TEST_B_URL is not set", errB)
	}
	return nil
}

func TestLoadReportsEveryMistakeAtOnce(t *testing.T) {
	t.Setenv("TEST_A_TIMEOUT", "-1s")
	t.Setenv("TEST_B_RETRIES", "three")
	t.Setenv("TEST_B_URL", "")
	_, err := envconfig.Load[service]()
	require.Error(t, err)
	for _, want := range []string{
		`read environment: env: parse error on field "Retries" of type "int"`,
		"TEST_B_URL is not set",
		"TEST_A_TIMEOUT must be positive, got -1s",
	} {
		assert.ErrorContains(t, err, want)
	}
	var agg env.AggregateError
	assert.ErrorAs(t, err, &agg, "the parse errors stay typed")
	assert.ErrorIs(t, err, errA)
	assert.ErrorIs(t, err, errB)
}

func TestLoadAcceptsAValidEnvironment(t *testing.T) {
	t.Setenv("TEST_B_URL", "nats://127.0.0.1:4222")
	t.Setenv("TEST_LABEL", "x")
	got, err := envconfig.Load[service]()
	require.NoError(t, err)
	assert.Equal(t, service{Label: "x", A: a{Timeout: time.Second, Name: "a"}, B: b{Retries: 3, URL: "nats://127.0.0.1:4222"}}, got)
}

func TestValidateTakesAPointer(t *testing.T) {
	s := &service{A: a{Timeout: time.Second}, B: b{URL: "u", Retries: -1}}
	problems := envconfig.Split(envconfig.Validate(s))
	require.Len(t, problems, 2)
	assert.ErrorIs(t, problems[0], errA)
	assert.ErrorContains(t, problems[0], "TEST_A_NAME is empty")
	assert.ErrorIs(t, problems[1], errB)
}

func TestSplit(t *testing.T) {
	assert.Empty(t, envconfig.Split(nil))
	assert.Equal(t, []error{errA}, envconfig.Split(errA))
	assert.Equal(t, []error{errA, errB}, envconfig.Split(errors.Join(errA, errB)))
	p := envconfig.Problems{Sentinel: errA}
	p.Add(nil)
	assert.NoError(t, p.Err(), "a nil problem records nothing")
}
