package fedodds

import (
	"fmt"
	"strings"

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

// skips lists the markets and events a parser left out of a body, each
// with the reason.
type skips []string

func (s *skips) add(format string, args ...any) {
	*s = append(*s, fmt.Sprintf(format, args...))
}

// report returns obs with a warning per skip, prefixed by the format name.
// When obs has no event it returns an error wrapping feed.ErrBadBody
// instead, saying that none of the body's n markets (what) was usable and
// why.
func (s skips) report(format, what string, n int, obs feed.Observations) (feed.Observations, error) {
	if len(obs.Events) == 0 {
		return feed.Observations{}, badBody("%s: no usable %s among %d: %s", format, what, n, strings.Join(s, "; "))
	}
	for _, r := range s {
		obs.Warnings = append(obs.Warnings, format+": skipped "+r)
	}
	return obs, nil
}
