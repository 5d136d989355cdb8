package bench

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// eventsBase is the first observation time of Events: fixed, so a seed
// always yields the same messages and ids, and in the past, so every
// message is valid today.
var eventsBase = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// eventsStep separates consecutive observations: 5M events span under
// three days, so a batch touches one or two monthly partitions, as live
// traffic does.
const eventsStep = 50 * time.Millisecond

var (
	benchTenors   = []string{"2Y", "5Y", "10Y", "20Y", "30Y", "40Y"}
	benchMeetings = []string{"2026-01-28", "2026-03-18", "2026-04-29", "2026-06-17"}
	benchTickers  = []string{"IBIT", "FBTC", "GBTC", "ARKB", "BITB", "HODL", "TOTAL"}
	benchVenues   = []string{"binance", "coinbase", "kraken", "okx", "bybit", "deribit", "cme"}
)

// Events returns n distinct, sealed and valid CW_EVENTS messages, the same
// for the same seed: about 40 % JGB yields, 25 % Fed odds, 25 % ETF flows
// and 10 % venue status, with observation times 50 ms apart.
func Events(n int, seed int64) []event.Event {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	out := make([]event.Event, 0, n)
	for i := range n {
		at := eventsBase.Add(time.Duration(i) * eventsStep)
		ingested := at.Add(time.Duration(20+rng.IntN(200)) * time.Millisecond)
		var ev event.Event
		switch r := rng.IntN(100); {
		case r < 40:
			ev = &event.JGBYield{
				Meta:     event.Meta{Source: "jsda", ObservedAt: at},
				Tenor:    benchTenors[rng.IntN(len(benchTenors))],
				YieldPct: 0.4 + 2.6*rng.Float64(),
			}
		case r < 65:
			ev = fedOdds(rng, at)
		case r < 90:
			f := &event.ETFFlow{
				Meta:      event.Meta{Source: "farside", ObservedAt: at},
				Asset:     "BTC",
				Ticker:    benchTickers[rng.IntN(len(benchTickers))],
				TradeDate: at.Format(time.DateOnly),
				FlowUSD:   (rng.Float64() - 0.45) * 1e9,
			}
			if rng.IntN(3) > 0 {
				aum := 1e9 + 9e10*rng.Float64()
				f.AUMUSD = &aum
			}
			ev = f
		default:
			ev = venueStatus(rng, at, i)
		}
		event.Seal(ev, ingested)
		out = append(out, ev)
	}
	return out
}

// fedOdds returns a distribution over two to four moves summing to one.
func fedOdds(rng *rand.Rand, at time.Time) *event.FedOdds {
	moves := []int{-50, -25, 0, 25}[:2+rng.IntN(3)]
	w := make([]float64, len(moves))
	var sum float64
	for i := range w {
		w[i] = 0.05 + rng.Float64()
		sum += w[i]
	}
	outcomes := make([]event.Outcome, len(moves))
	for i, m := range moves {
		outcomes[i] = event.Outcome{ChangeBP: m, Probability: w[i] / sum}
	}
	return &event.FedOdds{
		Meta:     event.Meta{Source: "cme-fedwatch", ObservedAt: at},
		Meeting:  benchMeetings[rng.IntN(len(benchMeetings))],
		Outcomes: outcomes,
	}
}

// venueStatus returns an incident opening, update or resolution.
func venueStatus(rng *rand.Rand, at time.Time, i int) *event.VenueStatus {
	v := &event.VenueStatus{
		Meta:       event.Meta{Source: "statuspage", ObservedAt: at},
		Venue:      benchVenues[rng.IntN(len(benchVenues))],
		IncidentID: "inc-" + strconv.Itoa(i/8),
		Severity:   event.Severities[rng.IntN(len(event.Severities))],
		Title:      "elevated error rates on order entry",
		Components: []string{"spot", "api"}[:1+rng.IntN(2)],
		StartedAt:  at.Add(-time.Duration(1+rng.IntN(120)) * time.Minute),
	}
	switch rng.IntN(3) {
	case 0:
		v.Action, v.Status = event.ActionOpen, "investigating"
	case 1:
		v.Action, v.Status = event.ActionUpdate, "monitoring"
	default:
		resolved := at.Add(-time.Duration(rng.IntN(30)) * time.Second)
		v.Action, v.Status, v.ResolvedAt = event.ActionResolve, "resolved", &resolved
	}
	return v
}
