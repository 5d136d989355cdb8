package scorer

import "testing"

// The external tests (package scorer_test) replay the same scenario,
// publish and start scorers the same way as the internal ones.
var (
	ModelEvents   = modelEvents
	PublishEvents = publishEvents
)

// StartTestScorer is startTestScorer with the default test config.
func StartTestScorer(t *testing.T, url string) *Scorer { return startTestScorer(t, url, nil) }
