package scorer

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/opsfx"
)

// Module runs the scorer with the application; it needs a *natsfx.Bus, an
// *opsfx.Server and a Config supplied by the service.
var Module = fx.Module("scorer",
	fx.Provide(func(cfg Config, bus *natsfx.Bus, reg prometheus.Registerer, log zerolog.Logger) (*Scorer, error) {
		return New(cfg, bus, reg, log)
	}),
	fx.Invoke(func(lc fx.Lifecycle, s *Scorer, ops *opsfx.Server) {
		lc.Append(fx.StartStopHook(s.Start, s.Stop))
		ops.AddCheck("scorer", s.Ready)
	}),
)
