package sink

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// health tracks what currently keeps the sink from working: one entry per
// consumer ("consume/sink-events") and per table ("insert/jgb_yields"), so
// one table's success never hides another's failure.
type health struct {
	mu    sync.Mutex
	errs  map[string]error
	ready prometheus.Gauge
}

func newHealth(ready prometheus.Gauge) *health {
	h := &health{errs: make(map[string]error), ready: ready}
	h.publish()
	return h
}

// set records err (nil = healthy) for key.
func (h *health) set(key string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		delete(h.errs, key)
	} else {
		h.errs[key] = err
	}
	h.publish()
}

// publish sets the ready gauge; h.mu must be held.
func (h *health) publish() {
	if len(h.errs) == 0 {
		h.ready.Set(1)
	} else {
		h.ready.Set(0)
	}
}

// err returns every recorded failure, nil if none.
func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]string, 0, len(h.errs))
	for k := range h.errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	errs := make([]error, 0, len(keys))
	for _, k := range keys {
		errs = append(errs, fmt.Errorf("%s: %w", k, h.errs[k]))
	}
	return errors.Join(errs...)
}

// ackFloor follows one consumer's ack floor, to tell when it stopped
// moving while messages were pending.
type ackFloor struct {
	seq   uint64
	since time.Time // when seq last changed or nothing was pending
	seen  bool
}

// observe records the floor seq with pending messages at now and returns
// how long the floor has not moved while messages were pending; 0 when it
// moved or none are pending.
func (a *ackFloor) observe(seq, pending uint64, now time.Time) time.Duration {
	if !a.seen || seq != a.seq || pending == 0 {
		a.seq, a.since, a.seen = seq, now, true
		return 0
	}
	return max(now.Sub(a.since), 0)
}
