package fedodds

import (
	"maps"
	"slices"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// finish merges outcomes with the same change, drops those with zero (or
// negative) probability, sorts by change and clamps every probability to
// [0, 1]; with normalize it first scales the probabilities to sum to 1.
func finish(outs []event.Outcome, normalize bool) []event.Outcome {
	merged := map[int]float64{}
	for _, o := range outs {
		if o.Probability > 0 {
			merged[o.ChangeBP] += o.Probability
		}
	}
	// Sum in change order, not map order, so the same outcomes always give
	// the same bits.
	changes := slices.Sorted(maps.Keys(merged))
	var sum float64
	for _, c := range changes {
		sum += merged[c]
	}
	res := make([]event.Outcome, 0, len(merged))
	for _, c := range changes {
		p := merged[c]
		if normalize && sum > 0 {
			p /= sum
		}
		res = append(res, event.Outcome{ChangeBP: c, Probability: min(max(p, 0), 1)})
	}
	return res
}

// sumProbability returns the sum of the outcomes' probabilities, in their
// order.
func sumProbability(outs []event.Outcome) float64 {
	var sum float64
	for _, o := range outs {
		sum += o.Probability
	}
	return sum
}
