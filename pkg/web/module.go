package web

import (
	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// Module serves the page with the application; it needs a Config (the
// service supplies it), a *natsfx.Bus and the logger. It starts after the
// Bus, whose JetStream context it reads.
var Module = fx.Module("web",
	fx.Provide(func(cfg Config, bus *natsfx.Bus, log zerolog.Logger) *Server { return New(cfg, bus, log) }),
	fx.Invoke(func(lc fx.Lifecycle, s *Server) { lc.Append(fx.StartStopHook(s.Start, s.Stop)) }),
)
