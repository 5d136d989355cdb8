package envconfig

import (
	"errors"
	"fmt"
)

// Problems gathers the problems a Config's Validate finds, so that it
// reports all of them at once, each wrapping the package's sentinel.
//
//	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
//	if c.Timeout <= 0 {
//		p.Addf("CW_X_TIMEOUT must be positive, got %s", c.Timeout)
//	}
//	return p.Err()
type Problems struct {
	// Sentinel is wrapped by every problem Addf records: the package's
	// ErrInvalidConfig.
	Sentinel error
	errs     []error
}

// Addf records a problem described as fmt.Errorf would, wrapping Sentinel.
func (p *Problems) Addf(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%w: "+format, append([]any{p.Sentinel}, args...)...))
}

// Add records err as it is (the Validate of a nested Config, already
// wrapping its own sentinel); nil records nothing.
func (p *Problems) Add(err error) {
	if err != nil {
		p.errs = append(p.errs, err)
	}
}

// Err returns every recorded problem joined, nil when there is none.
func (p *Problems) Err() error { return errors.Join(p.errs...) }

// Split returns the problems err joins (an errors.Join or Problems.Err),
// err alone when it joins none, nothing when it is nil.
func Split(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
