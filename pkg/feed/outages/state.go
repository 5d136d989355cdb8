package outages

import (
	"fmt"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// State is a venue's whole-system status at one moment, as a status
// endpoint reports it.
type State struct {
	// Status is the source's word for the state: Kraken's "online",
	// "maintenance", "cancel_only" or "post_only"; for Binance "normal" or
	// "system_maintenance" (derived from its status code, not its msg).
	Status string
	// Normal reports whether the venue trades normally.
	Normal bool
	// Severity is the severity of an incident in this state, one of
	// event.Severities; event.SeverityNone when Normal.
	Severity string
	// At is when the source says the state held, UTC, ms; zero when the
	// body carries no time (Binance).
	At time.Time
}

// Kraken SystemStatus words and their severities; see the package
// documentation.
var krakenStatuses = map[string]string{
	"online":      event.SeverityNone,
	"maintenance": event.SeverityMaintenance,
	"cancel_only": event.SeverityHalt, // no order matching: trading is halted
	"post_only":   event.SeverityHalt,
}

// ParseKraken reads a Kraken GET /0/public/SystemStatus body,
// {"error":[],"result":{"status":"online","timestamp":"…"}}. It is pure.
// The error wraps feed.ErrBadBody if the body is not such a JSON object,
// its error array is not empty, its status is not online, maintenance,
// cancel_only or post_only, or its timestamp is present but not RFC 3339.
func ParseKraken(body []byte) (State, error) {
	const what = "kraken status"
	var b struct {
		Error  []string `json:"error"`
		Result *struct {
			Status    string `json:"status"`
			Timestamp string `json:"timestamp"`
		} `json:"result"`
	}
	if err := decodeObject(what, body, &b); err != nil {
		return State{}, err
	}
	if len(b.Error) > 0 {
		return State{}, badBody(what, "API error: %s", quoteList(b.Error))
	}
	if b.Result == nil {
		return State{}, badBody(what, "no result object")
	}
	severity, ok := krakenStatuses[b.Result.Status]
	if !ok {
		return State{}, badBody(what, "unknown result.status %q (known: online, maintenance, cancel_only, post_only)", b.Result.Status)
	}
	s := State{Status: b.Result.Status, Normal: severity == event.SeverityNone, Severity: severity}
	if b.Result.Timestamp != "" {
		at, err := parseTime("result.timestamp", b.Result.Timestamp)
		if err != nil {
			return State{}, badBody(what, "%v", err)
		}
		s.At = at
	}
	return s, nil
}

// ParseBinance reads a Binance GET /sapi/v1/system/status body,
// {"status":0,"msg":"normal"} or {"status":1,"msg":"system_maintenance"}.
// It is pure; the body carries no time, so State.At is zero. The error
// wraps feed.ErrBadBody if the body is not such a JSON object (an API error
// {"code":…,"msg":…} included) or its status is neither 0 nor 1.
func ParseBinance(body []byte) (State, error) {
	const what = "binance status"
	var b struct {
		Status *int    `json:"status"`
		Msg    *string `json:"msg"`
		Code   *int    `json:"code"`
	}
	if err := decodeObject(what, body, &b); err != nil {
		return State{}, err
	}
	switch {
	case b.Status == nil && b.Code != nil:
		msg := ""
		if b.Msg != nil {
			msg = *b.Msg
		}
		return State{}, badBody(what, "API error %d: %q", *b.Code, msg)
	case b.Status == nil:
		return State{}, badBody(what, "no status field")
	case *b.Status == 0:
		return State{Status: "normal", Normal: true, Severity: event.SeverityNone}, nil
	case *b.Status == 1:
		return State{Status: "system_maintenance", Severity: event.SeverityMaintenance}, nil
	}
	return State{}, badBody(what, "unknown status %d (known: 0 normal, 1 system_maintenance)", *b.Status)
}

// quoteList quotes at most five strings from a body for an error message.
func quoteList(ss []string) string {
	const maxItems = 5
	q := make([]string, 0, maxItems)
	for i, s := range ss {
		if i == maxItems {
			q = append(q, fmt.Sprintf("and %d more", len(ss)-maxItems))
			break
		}
		if len(s) > 80 {
			s = s[:80] + "…"
		}
		q = append(q, fmt.Sprintf("%q", s))
	}
	return strings.Join(q, ", ")
}
