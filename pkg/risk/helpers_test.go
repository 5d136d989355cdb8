package risk

import (
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// Sealed test events; each is observed (and ingested) at t.

func jgb(t time.Time, tenor string, pct float64) *event.JGBYield {
	e := &event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: t}, Tenor: tenor, YieldPct: pct}
	event.Seal(e, t)
	return e
}

func odds(t time.Time, meeting, source string, cut float64) *event.FedOdds {
	e := &event.FedOdds{Meta: event.Meta{Source: source, ObservedAt: t}, Meeting: meeting,
		Outcomes: []event.Outcome{{ChangeBP: -25, Probability: cut}, {ChangeBP: 0, Probability: 1 - cut}}}
	event.Seal(e, t)
	return e
}

// flow is a TOTAL row of trade date d, observed at 21:00Z that day.
func flow(d time.Time, usd float64, aum float64) *event.ETFFlow {
	t := time.Date(d.Year(), d.Month(), d.Day(), 21, 0, 0, 0, time.UTC)
	e := &event.ETFFlow{Meta: event.Meta{Source: "farside", ObservedAt: t}, Asset: "BTC", Ticker: event.TickerTotal,
		TradeDate: d.Format(time.DateOnly), FlowUSD: usd}
	if aum > 0 {
		e.AUMUSD = &aum
	}
	event.Seal(e, t)
	return e
}

func venue(t time.Time, name, id, action, severity string) *event.VenueStatus {
	e := &event.VenueStatus{Meta: event.Meta{Source: "manual", ObservedAt: t}, Venue: name, IncidentID: id,
		Action: action, Severity: severity, StartedAt: t.Add(-time.Minute)}
	if action == event.ActionResolve {
		r := t
		e.ResolvedAt = &r
	}
	event.Seal(e, t)
	return e
}

// feed applies events with consecutive sequences after the model's and
// returns the last print and every print.
func feed(m *Model, evs ...event.Event) (*event.RiskScore, []*event.RiskScore) {
	var all []*event.RiskScore
	var last *event.RiskScore
	for _, ev := range evs {
		p, _ := m.Apply(ev, m.s.Seq+1)
		last = p
		all = append(all, p)
	}
	return last, all
}

// heartbeats returns heartbeats every step in (from, to].
func heartbeats(from, to time.Time, step time.Duration) []event.Event {
	var out []event.Event
	for t := from.Add(step); !t.After(to); t = t.Add(step) {
		out = append(out, heartbeat(t))
	}
	return out
}

func date(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}
