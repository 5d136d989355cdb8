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
func (e *FedOdds) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *FedOdds) check(now time.Time, withID bool) error {
	if err := date("meeting", e.Meeting); err != nil {
		return err
	}
	if len(e.Outcomes) == 0 {
		return invalid("outcomes", ErrMissing, "")
	}
	var sum float64
	for i, o := range e.Outcomes {
		// Field names are built only for an error: Validate runs on every
		// message the sink and the scorer read.
		if err := number("", float64(o.ChangeBP), -500, 500); err != nil {
			return at(err, outcomeField(i, "change_bp"))
		}
		for _, prev := range e.Outcomes[:i] {
			if prev.ChangeBP == o.ChangeBP {
				return invalid(outcomeField(i, "change_bp"), ErrBadFormat, "%d appears twice", o.ChangeBP)
			}
		}
		if err := number("", o.Probability, 0, 1); err != nil {
			return at(err, outcomeField(i, "probability"))
		}
		sum += o.Probability
	}
	if math.Abs(sum-1) > ProbabilityTolerance {
		return invalid("outcomes", ErrOutOfRange, "probabilities sum to %.4f, not 1", sum)
	}
	return e.validate(SchemaFedOdds, e.Key(), now, withID)
}

// outcomeField names a field of outcome i, e.g. outcomes.1.probability.
func outcomeField(i int, name string) string { return "outcomes." + strconv.Itoa(i) + "." + name }
