package bench

import (
	"slices"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/scenario"
)

// Events returns the first n events of scenario.Synthetic(n, seed) in
// memory: the realistic mix every sink measurement moves.
func Events(n int, seed int64) []event.Event { return slices.Collect(scenario.Synthetic(n, seed)) }
