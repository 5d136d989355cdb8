package event

import "strings"

// CheckSubject returns a *ValidationError wrapping ErrBadSubject unless
// subject, the one e arrived on, is e's own subject (e.Subject()): the
// subject of e's kind with e's key, so a 10Y yield sent on
// cw.events.jgb.yield.2Y or a heartbeat sent on a yield's subject fails.
func CheckSubject(e Event, subject string) error {
	if want := e.Subject(); subject != want {
		return invalid("", ErrBadSubject, "%s belongs on %s, not %s", e.SchemaName(), want, subject)
	}
	return nil
}

// Subjects and subject patterns.
const (
	// SubjectEvents matches every input event (stream CW_EVENTS).
	SubjectEvents = "cw.events.>"
	// SubjectRisk matches every score and component print (stream CW_SCORES).
	SubjectRisk = "cw.risk.>"
	// SubjectDLQ matches every dead letter (stream CW_DLQ).
	SubjectDLQ = "cw.dlq.>"
	// SubjectRiskScore carries the composite index.
	SubjectRiskScore = "cw.risk.score"
	// SubjectHeartbeat carries heartbeats that advance event time.
	SubjectHeartbeat = "cw.events.heartbeat"

	prefixJGBYield    = "cw.events.jgb.yield."
	prefixFedOdds     = "cw.events.fed.odds."
	prefixETFFlow     = "cw.events.etf.flow."
	prefixVenueStatus = "cw.events.venue.status."
	prefixMarketQuote = "cw.events.market.quote."
	prefixComponent   = "cw.risk.component."
	prefixDLQ         = "cw.dlq."
)

// SubjectJGBYield returns cw.events.jgb.yield.<tenor>.
func SubjectJGBYield(tenor string) string { return prefixJGBYield + tenor }

// SubjectFedOdds returns cw.events.fed.odds.<meeting>.
func SubjectFedOdds(meeting string) string { return prefixFedOdds + meeting }

// SubjectETFFlow returns cw.events.etf.flow.<ticker>.
func SubjectETFFlow(ticker string) string { return prefixETFFlow + ticker }

// SubjectVenueStatus returns cw.events.venue.status.<venue>.
func SubjectVenueStatus(venue string) string { return prefixVenueStatus + venue }

// SubjectMarketQuote returns cw.events.market.quote.<instrument>.
func SubjectMarketQuote(instrument string) string { return prefixMarketQuote + instrument }

// SubjectComponent returns cw.risk.component.<name>.
func SubjectComponent(name string) string { return prefixComponent + name }

// SubjectDeadLetter returns cw.dlq.<stage>.
func SubjectDeadLetter(stage string) string { return prefixDLQ + stage }

// SchemaForSubject returns the schema expected on a subject, "" if none.
func SchemaForSubject(subject string) string {
	switch {
	case strings.HasPrefix(subject, prefixJGBYield):
		return SchemaJGBYield
	case strings.HasPrefix(subject, prefixFedOdds):
		return SchemaFedOdds
	case strings.HasPrefix(subject, prefixETFFlow):
		return SchemaETFFlow
	case strings.HasPrefix(subject, prefixVenueStatus):
		return SchemaVenueStatus
	case strings.HasPrefix(subject, prefixMarketQuote):
		return SchemaMarketQuote
	case subject == SubjectRiskScore:
		return SchemaRiskScore
	case subject == SubjectHeartbeat:
		return SchemaHeartbeat
	case strings.HasPrefix(subject, prefixComponent):
		return SchemaRiskComponent
	case strings.HasPrefix(subject, prefixDLQ):
		return SchemaDeadLetter
	}
	return ""
}
