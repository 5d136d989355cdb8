package fedodds

import (
	"fmt"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// badBody returns an error wrapping feed.ErrBadBody with a message naming
// what is wrong with the body.
func badBody(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{feed.ErrBadBody}, args...)...)
}

// badParam returns an error wrapping feed.ErrBadParam.
func badParam(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{feed.ErrBadParam}, args...)...)
}
