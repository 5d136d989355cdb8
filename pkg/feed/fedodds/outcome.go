package fedodds

import (
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
	var sum float64
	for _, p := range merged {
		sum += p
	}
	res := make([]event.Outcome, 0, len(merged))
	for c, p := range merged {
		if normalize && sum > 0 {
			p /= sum
		}
		res = append(res, event.Outcome{ChangeBP: c, Probability: min(max(p, 0), 1)})
	}
	slices.SortFunc(res, func(a, b event.Outcome) int { return a.ChangeBP - b.ChangeBP })
	return res
}
