package fedodds

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/fomc"
)

// Formats returns the Fed-odds formats: zq-futures, kalshi, polymarket and
// fedodds-csv. Each takes the parameter source (the events' source name);
// zq-futures also takes effr, kalshi also takes target_upper. An unknown
// or invalid parameter makes New return an error wrapping feed.ErrBadParam.
func Formats() []feed.Format {
	return []feed.Format{
		{Name: "zq-futures", New: ZQFutures, Doc: `CME FedWatch method over 30-day Fed funds futures (ZQ) settlement prices.
Body: CSV with a header naming date, contract and price (contract YYYY-MM or a CME code such as ZQZ5, ZQZ25, FFQ5; date YYYY-MM-DD or RFC 3339; several dates allowed),
or JSON {"as_of": "2025-11-21", "prices": [{"contract": "2025-12", "price": 96.1}]} (detected by a leading '{').
One cw.fed.odds event per upcoming FOMC meeting the prices cover, change_bp cumulative vs the target range in force on the observation day,
observed_at = that day at 21:00 UTC (or the timestamp given; now, for today's date before 21:00 UTC).
Params: source (default fedwatch-zq); effr (percent, the start rate when no meeting-free month anchors the chain; default: target range midpoint from the shipped history).`},
		{Name: "kalshi", New: Kalshi, Doc: `Kalshi trade API v2 market JSON for the KXFED series ("upper bound above K" thresholds) and KXFEDDECISION buckets (C25, H0, ...):
a GET /markets page {"markets": [...], "cursor": ...}, a GET /markets/{ticker} body {"market": {...}}, a bare market or an array of markets.
One cw.fed.odds event per event ticker (KXFED-25DEC → the Dec 2025 meeting), observed_at = fetch time; YES price from last_price_dollars,
else the yes bid/ask mid, else the cent fields; thresholds made monotone (isotonic fit), then bucketed vs the current upper bound.
Params: source (default kalshi); target_upper (percent, the upper bound in force now; default: the shipped history).`},
		{Name: "polymarket", New: Polymarket, Doc: `Polymarket Gamma API JSON of Fed-decision bucket markets ("No change", "25 bps decrease", "50+ bps decrease", "25+ bps increase"):
a market object, an array of markets, an event object with markets, or an array of events (outcomes/outcomePrices as JSON-encoded strings).
YES = outcomePrices at the "Yes" outcome; meeting from "<Month> <year>" in the question, label or slug, else endDate;
buckets normalized to sum 1; one cw.fed.odds event per meeting, observed_at = fetch time. Params: source (default polymarket).`},
		{Name: "fedodds-csv", New: CSV, Doc: `Long-form CSV: header observed_at,meeting,change_bp,probability (probability 0-1; a probability_pct column holds percent instead).
observed_at is YYYY-MM-DD (21:00 UTC) or RFC 3339; meeting YYYY-MM-DD; rows grouped into one cw.fed.odds event per (observed_at, meeting),
whose probabilities must sum to 1 ± 0.02. Params: source (default csv).`},
	}
}

// ZQFutures returns the zq-futures parser. Params: source, effr (percent,
// within [−1, 25]). It returns an error wrapping feed.ErrBadParam for an
// unknown or invalid parameter. The parser returns an error wrapping
// feed.ErrBadBody when the body is not a price CSV or JSON, a row or price
// is malformed or implausible, or no observation day yields any meeting's
// odds (the reasons joined); days that fail while others succeed, and
// chains that stop early, become warnings.
func ZQFutures(params map[string]string) (feed.Parser, error) {
	base, err := newParserBase("zq-futures", SourceZQ, params, "effr")
	if err != nil {
		return nil, err
	}
	p := zqParser{parserBase: base}
	if p.effr, err = percentParam("zq-futures", params, "effr", 100-maxPrice, 100-minPrice); err != nil {
		return nil, err
	}
	return p.parse, nil
}

// Kalshi returns the kalshi parser. Params: source, target_upper (percent,
// a multiple of 0.25 within [0.25, 25]). It returns an error wrapping
// feed.ErrBadParam for an unknown or invalid parameter. The parser returns
// an error wrapping feed.ErrBadBody when the body is not Kalshi market JSON
// or none of its markets yields odds for an upcoming meeting (the reasons
// joined); skipped markets and events otherwise become warnings, and a page
// with no markets gives no events and a warning.
func Kalshi(params map[string]string) (feed.Parser, error) {
	base, err := newParserBase("kalshi", SourceKalshi, params, "target_upper")
	if err != nil {
		return nil, err
	}
	p := kalshiParser{parserBase: base}
	if p.targetUpper, err = percentParam("kalshi", params, "target_upper", 0.25, 25); err != nil {
		return nil, err
	}
	if p.targetUpper != nil && !fomc.OnGrid(*p.targetUpper) {
		return nil, badParam("kalshi: target_upper %v is not a multiple of 0.25", *p.targetUpper)
	}
	return p.parse, nil
}

// Polymarket returns the polymarket parser. Params: source. It returns an
// error wrapping feed.ErrBadParam for an unknown or invalid parameter. The
// parser returns an error wrapping feed.ErrBadBody when the body is not
// Gamma market or event JSON or no upcoming meeting has at least two
// recognised buckets (the reasons joined); skipped markets otherwise become
// warnings.
func Polymarket(params map[string]string) (feed.Parser, error) {
	base, err := newParserBase("polymarket", SourcePolymarket, params)
	if err != nil {
		return nil, err
	}
	return polyParser{base}.parse, nil
}

// CSV returns the fedodds-csv parser. Params: source. It returns an
// error wrapping feed.ErrBadParam for an unknown or invalid parameter. The
// parser returns an error wrapping feed.ErrBadBody, naming the line, for a
// missing header, a malformed or future observed_at, a meeting that is not
// YYYY-MM-DD, a change_bp that is not an integer within ±500, a probability
// outside [0, 1] (or [0, 100] for probability_pct), a change given twice,
// or a group whose probabilities do not sum to 1 ± 0.02. A meeting date
// the shipped calendar does not schedule is only a warning.
func CSV(params map[string]string) (feed.Parser, error) {
	base, err := newParserBase("fedodds-csv", SourceCSV, params)
	if err != nil {
		return nil, err
	}
	return csvParser{base}.parse, nil
}

// knownParams rejects any parameter not in known.
func knownParams(format string, params map[string]string, known ...string) error {
	for k := range params {
		if !slices.Contains(known, k) {
			return badParam("%s: unknown parameter %q (known: %s)", format, k, strings.Join(known, ", "))
		}
	}
	return nil
}

// sourceParam returns the source parameter, or def when absent.
func sourceParam(format string, params map[string]string, def string) (string, error) {
	s, ok := params["source"]
	if !ok {
		return def, nil
	}
	if err := feed.CheckSource(s); err != nil {
		return "", badParam("%s: %v", format, err)
	}
	return s, nil
}

// percentParam returns a percent parameter within [lo, hi], nil when absent.
func percentParam(format string, params map[string]string, name string, lo, hi float64) (*float64, error) {
	s, ok := params[name]
	if !ok {
		return nil, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		return nil, badParam("%s: %s %q is not a percent in [%v, %v]", format, name, s, lo, hi)
	}
	return &v, nil
}
