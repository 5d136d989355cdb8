package sink

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
)

// Module runs the sink with the application: it needs a *natsfx.Bus, a
// *chfx.Client, an *opsfx.Server and a Config supplied by the service.
var Module = fx.Module("sink",
	fx.Provide(func(cfg Config, bus *natsfx.Bus, ch *chfx.Client, reg prometheus.Registerer, log zerolog.Logger) (*Sink, error) {
		return New(cfg, bus, ch, reg, log)
	}),
	fx.Invoke(func(lc fx.Lifecycle, s *Sink, ops *opsfx.Server) {
		lc.Append(fx.StartStopHook(s.Start, s.Stop))
		ops.AddCheck("sink", s.Ready)
	}),
)
