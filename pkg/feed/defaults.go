package feed

import (
	_ "embed"
	"strconv"
	"strings"
	"time"
)

// defaultsYAML is the feeds file `carrywatch up` polls without one of its
// own; deploy/feeds.example.yaml is the same file (a test keeps them equal).
//
//go:embed defaults.yaml
var defaultsYAML []byte

// DefaultsYAML returns the bytes of the embedded default feeds file.
func DefaultsYAML() []byte { return append([]byte(nil), defaultsYAML...) }

// Default returns the embedded default feeds file, parsed and validated:
// the public sources of every input the model reads.
func Default() Config {
	c, err := ParseConfig(defaultsYAML)
	if err != nil {
		panic("embedded default feeds file: " + err.Error()) // a test parses it
	}
	return c
}

// yearPlaceholder in a source URL stands for the current UTC year at each
// poll, for sources that publish a file a year (the Treasury par curve).
const yearPlaceholder = "{year}"

// URLAt returns the source's URL as polled at now.
func (s Source) URLAt(now time.Time) string {
	return strings.ReplaceAll(s.URL, yearPlaceholder, strconv.Itoa(now.UTC().Year()))
}
