package outages

import (
	"slices"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// impactSeverity maps a Statuspage incident impact to a severity; see the
// package documentation for the table. Unknown words map to none.
func impactSeverity(impact string) string {
	switch impact {
	case "critical": // Statuspage's "Major System Outage"
		return event.SeverityMajor
	case "major": // Statuspage's "Partial System Outage"
		return event.SeverityPartial
	case "minor":
		return event.SeverityDegraded
	case "maintenance":
		return event.SeverityMaintenance
	}
	return event.SeverityNone
}

// componentSeverity maps a Statuspage component status to a severity.
// operational and unknown words map to none.
func componentSeverity(status string) string {
	switch status {
	case "major_outage":
		return event.SeverityMajor
	case "partial_outage":
		return event.SeverityPartial
	case "degraded_performance":
		return event.SeverityDegraded
	case "under_maintenance":
		return event.SeverityMaintenance
	}
	return event.SeverityNone
}

// worse returns the worse of two severities (event.Severities is worst
// first); an unknown severity counts as none.
func worse(a, b string) string {
	ia, ib := rank(a), rank(b)
	if ia <= ib {
		return event.Severities[ia]
	}
	return event.Severities[ib]
}

func rank(s string) int {
	if i := slices.Index(event.Severities, s); i >= 0 {
		return i
	}
	return len(event.Severities) - 1
}
