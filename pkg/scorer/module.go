package scorer

import (
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/opsfx"
)

// Module runs the scorer with the application. It takes from the graph
// the Config (the service supplies it), a Bus (natsfx.Module provides it
// when given new(scorer.Bus)), a prometheus.Registerer and the logger;
// with an *opsfx.Server in the graph, the scorer is a readiness check.
var Module = fx.Module("scorer",
	fx.Provide(New),
	opsfx.Run[*Scorer]("scorer"),
)
