package risk

import (
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// etfState holds the recent daily TOTAL flows of the configured asset.
type etfState struct {
	// Sessions are the TOTAL rows by trade date, oldest first, trimmed to
	// 30 days before the latest.
	Sessions []session `json:"sessions"`
	// C1 is the flow intensity at the latest session with enough sessions
	// in its lookback; it stays (and ages) while newer sessions lack them.
	C1 *c1Val `json:"c1,omitempty"`
}

// session is one trading day's TOTAL net flow.
type session struct {
	Day    int32   `json:"day"` // trade date, days since the epoch
	Ms     int64   `json:"ms"`  // observed_at, Unix ms
	Flow   float64 `json:"flow_usd"`
	AUM    float64 `json:"aum_usd"`
	HasAUM bool    `json:"has_aum"`
}

// c1Val is a computed C1.
type c1Val struct {
	Score      float64 `json:"score"`
	SumUSD     float64 `json:"sum_usd"`     // 5-session net flow (scaled), USD, outflow < 0
	OutflowPct float64 `json:"outflow_pct"` // −SumUSD / AUM × 100
	AUMKnown   bool    `json:"aum_known"`
	AsOf       int64   `json:"as_of"`
}

// applyETF records a TOTAL flow of the configured asset (other rows are
// ignored; a later observation of the same trade date replaces an earlier
// one) and recomputes C1 at the latest session.
func (m *Model) applyETF(e *event.ETFFlow) {
	p := m.p
	if e.Asset != p.asset || e.Ticker != event.TickerTotal {
		return
	}
	d, err := time.Parse(time.DateOnly, e.TradeDate)
	if err != nil {
		return
	}
	s := session{Day: int32(d.Unix() / 86400), Ms: e.ObservedAt.UnixMilli(), Flow: e.FlowUSD}
	if e.AUMUSD != nil && *e.AUMUSD > 0 {
		s.AUM, s.HasAUM = *e.AUMUSD, true
	}
	es := &m.s.ETF
	var changed bool
	if es.Sessions, changed = upsertDay(es.Sessions, s, func(x session) (int32, int64) { return x.Day, x.Ms }); !changed {
		return
	}
	anchor := es.Sessions[len(es.Sessions)-1]
	es.Sessions = slices.DeleteFunc(es.Sessions, func(x session) bool { return x.Day < anchor.Day-30 })
	if c1, ok := m.computeC1(); ok {
		es.C1 = &c1
	}
}

// computeC1 returns C1 at the latest session: the 5 latest sessions with a
// TOTAL among the lookback_sessions US business days ending there, scaled
// by 5/n when only n ≥ min_sessions of them are reported.
func (m *Model) computeC1() (c1Val, bool) {
	p := m.p
	ss := m.s.ETF.Sessions
	if len(ss) == 0 {
		return c1Val{}, false
	}
	anchor := ss[len(ss)-1]
	start := anchor.Day
	for count, d := 0, anchor.Day; d > anchor.Day-90; d-- {
		if isBusinessDay(d, p.etfFresh.holidays) {
			count++
		}
		start = d
		if count == p.lookback {
			break
		}
	}
	var sum, aum float64
	var n int
	known := false
	for i := len(ss) - 1; i >= 0 && n < p.sessions && ss[i].Day >= start; i-- {
		sum += ss[i].Flow
		if ss[i].HasAUM && !known {
			aum, known = ss[i].AUM, true
		}
		n++
	}
	if n < p.minSessions {
		return c1Val{}, false
	}
	sum *= float64(p.sessions) / float64(n)
	if !known {
		aum = p.refAUM
	}
	out := -sum / aum * 100
	return c1Val{Score: p.c1Ref.percentile(out), SumUSD: sum, OutflowPct: out, AUMKnown: known, AsOf: anchor.Ms}, true
}

// etfComponent returns C1 at now.
func (m *Model) etfComponent(now int64) compVal {
	c := m.s.ETF.C1
	if c == nil {
		return compVal{}
	}
	return compVal{ok: true, score: c.Score, raw: c.SumUSD, asOf: c.AsOf, conf: m.p.etfFresh.conf(c.AsOf, now)}
}

// etfBleed reports whether the 5-session outflow is at or above the
// ETF_BLEED threshold: 1.5 % of AUM, or $2 bn where AUM is unknown.
func (m *Model) etfBleed() bool {
	c := m.s.ETF.C1
	if c == nil {
		return false
	}
	if c.AUMKnown {
		return c.OutflowPct >= m.p.bleedPct
	}
	return -c.SumUSD >= m.p.bleedUSD
}
