package scorer

import (
	"context"
	"time"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

// HoldHeartbeats delays the first heartbeat until release is closed; call
// it before Start. A heartbeat moves the model's event time to the wall
// clock, so carrywatch up holds them while it publishes years of history,
// whose days would otherwise be scored as if they were today's.
func (s *Scorer) HoldHeartbeats(release <-chan struct{}) { s.hbHold = release }

// heartbeat publishes a heartbeat every Heartbeat of wall time until Stop;
// replicas make the same id for the same instant, so JetStream keeps one.
func (s *Scorer) heartbeat() {
	if s.hbHold != nil {
		select {
		case <-s.hbHold:
		case <-s.quit.Done():
			return
		}
	}
	t := time.NewTicker(s.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-s.quit.Done():
			return
		case now := <-t.C:
			hb := scenario.NewHeartbeat(Source, now.UTC().Truncate(s.cfg.Heartbeat))
			ctx, cancel := context.WithTimeout(s.quit, s.cfg.Heartbeat)
			_, err := natsfx.PublishEvent(ctx, s.js, hb)
			cancel()
			if err != nil {
				s.log.Debug().Err(err).Msg("heartbeat not published")
			}
		}
	}
}
