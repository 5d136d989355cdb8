package sink

import "time"

// SetNow replaces the sink's clock; call it before Start.
func SetNow(s *Sink, now func() time.Time) { s.now = now }
