package event

import (
	"math"
	"strconv"
	"time"
)

// FedOdds is a probability distribution over the outcomes of one FOMC
// meeting, as implied by one source at one time.
type FedOdds struct {
	Meta
	// Meeting is the FOMC decision date, YYYY-MM-DD.
	Meeting string `json:"meeting"`
	// Outcomes are the possible target-rate changes with their probabilities.
	Outcomes []Outcome `json:"outcomes"`
}

// Outcome is one possible result of a meeting.
type Outcome struct {
	// ChangeBP is the change of the target range in basis points, relative
	// to the range in force at observed_at (-25 = one cut).
	ChangeBP int `json:"change_bp"`
	// Probability is in [0, 1].
	Probability float64 `json:"probability"`
}

// ProbabilityTolerance is how far the outcome probabilities may sum from 1.
const ProbabilityTolerance = 0.02

// SchemaName returns SchemaFedOdds.
func (*FedOdds) SchemaName() string { return SchemaFedOdds }

// Key returns the meeting date.
func (e *FedOdds) Key() string { return e.Meeting }

// Subject returns cw.events.fed.odds.<meeting>.
func (e *FedOdds) Subject() string { return SubjectFedOdds(e.Meeting) }

// ExpectedChangeBP returns Σ change × probability, in basis points.
func (e *FedOdds) ExpectedChangeBP() float64 {
	var s float64
	for _, o := range e.Outcomes {
		s += float64(o.ChangeBP) * o.Probability
	}
	return s
}

// Validate checks the meeting date, each outcome, that no change appears
// twice, and that the probabilities sum to 1 within ProbabilityTolerance.
func (e *FedOdds) Validate(now time.Time) error {
	if err := date("meeting", e.Meeting); err != nil {
		return err
	}
	if len(e.Outcomes) == 0 {
		return invalid("outcomes", ErrMissing, "")
	}
	seen := make(map[int]bool, len(e.Outcomes))
	var sum float64
	for i, o := range e.Outcomes {
		field := "outcomes." + strconv.Itoa(i)
		if err := number(field+".change_bp", float64(o.ChangeBP), -500, 500); err != nil {
			return err
		}
		if seen[o.ChangeBP] {
			return invalid(field+".change_bp", ErrBadFormat, "%d appears twice", o.ChangeBP)
		}
		seen[o.ChangeBP] = true
		if err := number(field+".probability", o.Probability, 0, 1); err != nil {
			return err
		}
		sum += o.Probability
	}
	if math.Abs(sum-1) > ProbabilityTolerance {
		return invalid("outcomes", ErrOutOfRange, "probabilities sum to %.4f, not 1", sum)
	}
	return e.validate(SchemaFedOdds, e.Key(), now)
}
