// Package envconfig reads a service's configuration from the environment
// and checks it. A service's configuration is a struct of the Configs of
// the packages it composes; caarlos0/env fills their fields from the CW_*
// variables of their env tags (defaults from envDefault), then each Config
// checks itself, and every problem, of parsing and of checking, is
// reported at once.
package envconfig

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/caarlos0/env/v11"
)

// Validator is a configuration that checks itself. Validate returns every
// problem joined (errors.Join), each wrapping its package's
// ErrInvalidConfig, and nil when there is none.
type Validator interface {
	Validate() error
}

// Parse returns a T filled from the environment. The error names every
// variable that does not parse (an env.AggregateError).
func Parse[T any]() (T, error) {
	var c T
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("read environment: %w", err)
	}
	return c, nil
}

// Validate checks c, a configuration struct or a pointer to one: c itself
// when it is a Validator (a service's own requirements, such as a NATS
// server it must not run embedded), then each of its exported fields that
// is one, in order. Nested fields are left to their parent's Validate. It
// returns every problem joined, nil when there is none.
func Validate(c any) error {
	var errs []error
	if v, ok := c.(Validator); ok {
		errs = append(errs, v.Validate())
	}
	rv := reflect.Indirect(reflect.ValueOf(c))
	if rv.Kind() == reflect.Struct {
		for i := range rv.NumField() {
			if f := rv.Field(i); f.CanInterface() {
				if v, ok := f.Interface().(Validator); ok {
					errs = append(errs, v.Validate())
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Load is Parse then Validate: a T filled from the environment and checked.
// The error joins every variable that does not parse and every problem of
// the checks; the T is returned even then, for a caller that reports more.
func Load[T any]() (T, error) {
	c, err := Parse[T]()
	return c, errors.Join(err, Validate(c))
}
