package web

import (
	"go.uber.org/fx"
)

// Module serves the page with the application. It takes from the graph
// the Config (the service supplies it), a JetStreamer (natsfx.Module
// provides it when given new(web.JetStreamer)) and the logger. It starts
// after the Bus, whose JetStream context it reads.
var Module = fx.Module("web",
	fx.Provide(New),
	fx.Invoke(func(lc fx.Lifecycle, s *Server) { lc.Append(fx.StartStopHook(s.Start, s.Stop)) }),
)
