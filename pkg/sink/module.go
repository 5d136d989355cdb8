package sink

import (
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/opsfx"
)

// Module runs the sink with the application. It takes from the graph the
// Config (the service supplies it), a Bus and a Store (natsfx.Module and
// chfx.Module provide them when given new(sink.Bus) and new(sink.Store)),
// a prometheus.Registerer and the logger; with an *opsfx.Server in the
// graph, the sink is a readiness check.
var Module = fx.Module("sink",
	fx.Provide(New),
	opsfx.Run[*Sink]("sink"),
)
