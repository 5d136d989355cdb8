// Package scenario reads and plays scenario files: JSON Lines of wire-format
// events, published to JetStream in event-time order at any speed. Named
// scenarios are embedded in the binary.
package scenario

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

//go:embed scenarios/*.jsonl
var embedded embed.FS

// ErrUnknownScenario is returned by Load for a name that is neither embedded
// nor a readable file.
var ErrUnknownScenario = errors.New("unknown scenario")

// Names lists the embedded scenarios.
func Names() []string {
	entries, _ := fs.ReadDir(embedded, "scenarios")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".jsonl"))
	}
	return names
}

// Load returns the bytes of the embedded scenario name, or of the file at
// name if it is a path (contains a slash or ends in .jsonl).
func Load(name string) ([]byte, error) {
	if strings.ContainsRune(name, '/') || strings.HasSuffix(name, ".jsonl") {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read scenario: %w", err)
		}
		return b, nil
	}
	b, err := embedded.ReadFile(path.Join("scenarios", name+".jsonl"))
	if err != nil {
		return nil, fmt.Errorf("%w %q (embedded: %s)", ErrUnknownScenario, name, strings.Join(Names(), ", "))
	}
	return b, nil
}

// Rejected is a line that is not a valid event.
type Rejected struct {
	Line int    // 1-based line number
	Raw  []byte // the line as written
	Err  error  // why it was rejected (*event.ValidationError)
}

// Scenario is a parsed scenario: valid events in event-time order and the
// rejected lines. A synthetic scenario (Open "synthetic:N") has no Events
// in memory: All makes them one at a time.
type Scenario struct {
	Events   []event.Event
	Rejected []Rejected

	synthetic int // events of a synthetic scenario, 0 otherwise
}

// Open returns the scenario called name: "synthetic:N" (N generated events,
// see Synthetic), an embedded name or a file (see Load), parsed at now.
func Open(name string, now time.Time) (*Scenario, error) {
	if n, ok, err := parseSyntheticName(name); ok {
		if err != nil {
			return nil, err
		}
		return &Scenario{synthetic: n}, nil
	}
	data, err := Load(name)
	if err != nil {
		return nil, err
	}
	return Parse(data, now)
}

// Generated reports whether the events are made as they are played
// ("synthetic:N"). The player publishes them without Nats-Msg-Id: they are
// never re-sent, and de-duplication would keep an id per event in the NATS
// server's memory for the whole duplicate window (24 h), which is what a
// load of millions of events must not do. Replaying one twice stores its
// rows twice; ClickHouse collapses them by id.
func (sc *Scenario) Generated() bool { return sc.synthetic > 0 }

// Len returns the number of valid events.
func (sc *Scenario) Len() int {
	if sc.synthetic > 0 {
		return sc.synthetic
	}
	return len(sc.Events)
}

// All returns the valid events in event-time order.
func (sc *Scenario) All() iter.Seq[event.Event] {
	if sc.synthetic > 0 {
		return Synthetic(sc.synthetic, 1)
	}
	return slices.Values(sc.Events)
}

// noEventsStart is the start of a scenario without a single valid event.
var noEventsStart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Start returns the observation time of the first event, the time given to
// the scenario's dead letters so that replaying it records them once.
func (sc *Scenario) Start() time.Time {
	switch {
	case sc.synthetic > 0:
		return syntheticBase
	case len(sc.Events) == 0:
		return noEventsStart
	}
	return sc.Events[0].Header().ObservedAt
}

// Parse reads JSON Lines. Blank lines and lines starting with # are skipped.
// Each event gets its id and ingested_at (now) if absent, then is validated
// at time now; a present id must be the derived one. Events are sorted by
// observed_at, ties kept in file order.
func Parse(data []byte, now time.Time) (*Scenario, error) {
	sc := &Scenario{}
	r := bufio.NewScanner(bytes.NewReader(data))
	r.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for n := 1; r.Scan(); n++ {
		line := bytes.TrimSpace(r.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		raw := bytes.Clone(line)
		ev, err := parseLine(raw, now)
		if err != nil {
			sc.Rejected = append(sc.Rejected, Rejected{Line: n, Raw: raw, Err: fmt.Errorf("line %d: %w", n, err)})
			continue
		}
		sc.Events = append(sc.Events, ev)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	sort.SliceStable(sc.Events, func(i, j int) bool {
		return sc.Events[i].Header().ObservedAt.Before(sc.Events[j].Header().ObservedAt)
	})
	return sc, nil
}

func parseLine(raw []byte, now time.Time) (event.Event, error) {
	ev, err := event.DecodeDraft(raw)
	if err != nil {
		return nil, err
	}
	m := ev.Header()
	id := m.ID
	event.Seal(ev, now)
	if id != "" && id != m.ID {
		return nil, &event.ValidationError{Field: "id", Err: event.ErrBadID, Msg: "want " + m.ID}
	}
	if err := ev.Validate(now); err != nil {
		return nil, err
	}
	return ev, nil
}
