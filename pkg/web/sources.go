package web

import (
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// sourcesInterval is how often the page reads the feed loop's states.
const sourcesInterval = 2 * time.Second

// WatchSources has the page show where each polled source stands (last
// success, failures, last error), read from states every two seconds. It
// is for a process that runs the feeds itself (carrywatch up); call it
// before Start. Without it the page shows only what reaches NATS.
func (s *Server) WatchSources(states func() []feed.State) { s.sources = states }

// watchSources copies the sources' states into the page's State until
// Stop, waking the pushes when they change.
func (s *Server) watchSources() {
	defer close(s.sourcesDone)
	t := time.NewTicker(sourcesInterval)
	defer t.Stop()
	for {
		if s.state.SetSources(s.sources()) {
			s.changed()
		}
		select {
		case <-t.C:
		case <-s.stopping:
			return
		}
	}
}

// SetSources records the sources' states and reports whether they changed.
func (s *State) SetSources(states []feed.State) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Equal(s.sources, states) {
		return false
	}
	s.sources = slices.Clone(states)
	return true
}
