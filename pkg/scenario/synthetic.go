package scenario

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// syntheticBase is the first observation time of Synthetic: fixed, so a seed
// always yields the same messages and ids, and in the past, so every
// message is valid today.
var syntheticBase = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// syntheticStep separates consecutive observations: 5M events span under
// three days, so a batch touches one or two monthly partitions, as live
// traffic does.
const syntheticStep = 50 * time.Millisecond

var (
	synthTenors   = []string{"2Y", "5Y", "10Y", "20Y", "30Y", "40Y"}
	synthMeetings = []string{"2026-01-28", "2026-03-18", "2026-04-29", "2026-06-17"}
	synthTickers  = []string{"IBIT", "FBTC", "GBTC", "ARKB", "BITB", "HODL", "TOTAL"}
	synthVenues   = []string{"binance", "coinbase", "kraken", "okx", "bybit", "deribit", "cme"}
)

// SyntheticPrefix names a synthetic scenario of N events: "synthetic:N".
const SyntheticPrefix = "synthetic:"

// Synthetic returns n distinct, sealed and valid CW_EVENTS messages, made
// one at a time as they are read and the same for the same seed: about
// 40 % JGB yields, 25 % Fed odds, 25 % ETF flows and 10 % venue status,
// with observation times 50 ms apart. It is the load of the benchmarks and
// of `carrywatch up --scenario synthetic:N`, whose memory must not grow
// with N.
func Synthetic(n int, seed int64) iter.Seq[event.Event] {
	return func(yield func(event.Event) bool) {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
		for i := range n {
			if !yield(synthetic(rng, i)) {
				return
			}
		}
	}
}

// synthetic returns the i-th synthetic event. Values move smoothly (slow
// waves plus a little noise), as live markets do between shocks, so the
// risk model prints at a live-like rate rather than on every event.
func synthetic(rng *rand.Rand, i int) event.Event {
	at := syntheticBase.Add(time.Duration(i) * syntheticStep)
	ingested := at.Add(time.Duration(20+rng.IntN(200)) * time.Millisecond)
	wave := func(period float64) float64 { return math.Sin(2 * math.Pi * float64(i) / period) }
	var ev event.Event
	switch r := rng.IntN(100); {
	case r < 40:
		k := rng.IntN(len(synthTenors))
		ev = &event.JGBYield{
			Meta:     event.Meta{Source: "jsda", ObservedAt: at},
			Tenor:    synthTenors[k],
			YieldPct: 0.9 + 0.4*float64(k) + 0.02*wave(200_000) + 0.001*rng.Float64(),
		}
	case r < 65:
		ev = fedOdds(rng, at, wave(300_000))
	case r < 90:
		f := &event.ETFFlow{
			Meta:      event.Meta{Source: "farside", ObservedAt: at},
			Asset:     "BTC",
			Ticker:    synthTickers[rng.IntN(len(synthTickers))],
			TradeDate: at.Format(time.DateOnly),
			FlowUSD:   (1e8*wave(150_000) + 1e6*rng.Float64()),
		}
		if rng.IntN(3) > 0 {
			aum := 1e10 + 1e8*rng.Float64()
			f.AUMUSD = &aum
		}
		ev = f
	default:
		ev = venueStatus(rng, at, i)
	}
	event.Seal(ev, ingested)
	return ev
}

// parseSyntheticName returns N of "synthetic:N".
func parseSyntheticName(name string) (int, bool, error) {
	s, ok := strings.CutPrefix(name, SyntheticPrefix)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, true, fmt.Errorf("%w %q: want %sN with N a positive number of events", ErrUnknownScenario, name, SyntheticPrefix)
	}
	return n, true, nil
}

// fedOdds returns odds over four moves whose weights drift with wave.
func fedOdds(rng *rand.Rand, at time.Time, wave float64) *event.FedOdds {
	moves := [...]int{-50, -25, 0, 25}
	var w [len(moves)]float64
	var sum float64
	for k := range w {
		w[k] = 1 + 0.05*wave*float64(k-1) + 0.001*rng.Float64()
		sum += w[k]
	}
	outcomes := make([]event.Outcome, len(moves))
	for k, m := range moves {
		outcomes[k] = event.Outcome{ChangeBP: m, Probability: w[k] / sum}
	}
	return &event.FedOdds{
		Meta:     event.Meta{Source: "cme-fedwatch", ObservedAt: at},
		Meeting:  synthMeetings[rng.IntN(len(synthMeetings))],
		Outcomes: outcomes,
	}
}

// venueStatus returns an update of a venue's current incident: a degraded
// service lasting about three hours of event time, then the next one.
func venueStatus(rng *rand.Rand, at time.Time, i int) *event.VenueStatus {
	return &event.VenueStatus{
		Meta:       event.Meta{Source: "statuspage", ObservedAt: at},
		Venue:      synthVenues[rng.IntN(len(synthVenues))],
		IncidentID: "inc-" + strconv.Itoa(i/200_000),
		Action:     event.ActionUpdate,
		Severity:   event.SeverityDegraded,
		Status:     "monitoring",
		Title:      "elevated error rates on order entry",
		Components: []string{"spot", "api"}[:1+rng.IntN(2)],
		StartedAt:  syntheticBase.Add(time.Duration(i/200_000*200_000) * syntheticStep),
	}
}
