package fedodds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/feed"
)

// SourceZQ is the default source of events computed from ZQ futures.
const SourceZQ = "fedwatch-zq"

// zqParser computes FedWatch odds from ZQ prices.
type zqParser struct {
	parserBase
	effr *float64
}

// zqPrice is one price as read from a body, with where it came from.
type zqPrice struct {
	contract ContractMonth
	price    float64
	where    string
}

// zqDay is every price observed at one time.
type zqDay struct {
	key    string // the date or timestamp as written
	day    time.Time
	at     time.Time
	prices []zqPrice
}

// parse reads a CSV or JSON body of ZQ prices (JSON when the first
// non-space byte is '{') and returns one event.FedOdds per upcoming meeting
// the prices cover, for every observation day in the body.
func (p zqParser) parse(body []byte, now time.Time) (feed.Observations, error) {
	body, err := p.trim(body)
	if err != nil {
		return feed.Observations{}, err
	}
	var days []zqDay
	if body[0] == '{' || body[0] == '[' {
		days, err = readZQJSON(body, now)
	} else {
		days, err = readZQCSV(body, now)
	}
	if err != nil {
		return feed.Observations{}, err
	}

	var obs feed.Observations
	var failures []string
	for _, d := range days {
		prices := make(map[ContractMonth]float64, len(d.prices))
		for _, pr := range d.prices {
			if old, dup := prices[pr.contract]; dup && old != pr.price {
				return feed.Observations{}, badBody("zq-futures: %s: two prices for %s (%v and %v)", pr.where, pr.contract, old, pr.price)
			}
			prices[pr.contract] = pr.price
		}
		in := FedWatchInput{ObservedOn: d.day, Prices: prices, StartRate: p.startRate(d.day)}
		res, warnings, err := FedWatch(p.cal, in)
		for _, w := range warnings {
			obs.Warnings = append(obs.Warnings, fmt.Sprintf("zq-futures %s: %s", d.key, w))
		}
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", d.key, err))
			continue
		}
		for _, r := range res {
			obs.Events = append(obs.Events, p.odds(d.at, r.Meeting.String(), r.Outcomes))
		}
	}
	if len(obs.Events) == 0 {
		return feed.Observations{}, badBody("zq-futures: no meeting odds computed: %s", strings.Join(failures, "; "))
	}
	for _, f := range failures {
		obs.Warnings = append(obs.Warnings, "zq-futures "+f)
	}
	return obs, nil
}

// startRate returns the StartRate of one observation day: the effr
// parameter, else the midpoint of the target range in force that day.
func (p zqParser) startRate(day time.Time) func() (float64, error) {
	return func() (float64, error) {
		if p.effr != nil {
			return *p.effr, nil
		}
		r, err := p.cal.RangeAt(day)
		if err != nil {
			return 0, fmt.Errorf("target range midpoint: %w; pass the effr parameter", err)
		}
		return r.Midpoint(), nil
	}
}

// readZQJSON reads {"as_of": date or timestamp, "prices": [{"contract",
// "price"}]}.
func readZQJSON(body []byte, now time.Time) ([]zqDay, error) {
	var doc struct {
		AsOf   *string `json:"as_of"`
		Prices []struct {
			Contract *string     `json:"contract"`
			Price    json.Number `json:"price"`
		} `json:"prices"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return nil, badBody("zq-futures: JSON body is not {\"as_of\":..., \"prices\":[...]}: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, badBody("zq-futures: trailing data after the JSON object")
	}
	if doc.AsOf == nil {
		return nil, badBody("zq-futures: JSON body has no as_of")
	}
	day, at, err := observation(*doc.AsOf, now)
	if err != nil {
		return nil, badBody("zq-futures: as_of: %v", err)
	}
	if len(doc.Prices) == 0 {
		return nil, badBody("zq-futures: JSON body has no prices")
	}
	d := zqDay{key: *doc.AsOf, day: day, at: at}
	for i, pr := range doc.Prices {
		where := fmt.Sprintf("prices[%d]", i)
		if pr.Contract == nil {
			return nil, badBody("zq-futures: %s: no contract", where)
		}
		c, err := ParseContract(*pr.Contract, day)
		if err != nil {
			return nil, badBody("zq-futures: %s: %v", where, err)
		}
		v, err := parsePrice(pr.Price.String())
		if err != nil {
			return nil, badBody("zq-futures: %s (%s): %v", where, c, err)
		}
		d.prices = append(d.prices, zqPrice{contract: c, price: v, where: where})
	}
	return []zqDay{d}, nil
}

// readZQCSV reads a CSV with a header naming date, contract and price
// columns (any order, case-insensitive, other columns ignored), grouping
// rows by date.
func readZQCSV(body []byte, now time.Time) ([]zqDay, error) {
	t, err := readCSVTable("zq-futures", "CSV header", body)
	if err != nil {
		return nil, err
	}
	di, ci, pi := t.header.find("date"), t.header.find("contract"), t.header.find("price")
	if di < 0 || ci < 0 || pi < 0 {
		return nil, badBody("zq-futures: CSV header must name date, contract and price columns, got %q", t.header)
	}
	byKey := map[string]*zqDay{}
	var order []string
	err = t.rows(max(di, ci, pi), func(line int, rec []string) error {
		where := fmt.Sprintf("line %d", line)
		key := strings.TrimSpace(rec[di])
		d, ok := byKey[key]
		if !ok {
			day, at, err := observation(key, now)
			if err != nil {
				return badBody("zq-futures: %s: date: %v", where, err)
			}
			d = &zqDay{key: key, day: day, at: at}
			byKey[key] = d
			order = append(order, key)
		}
		c, err := ParseContract(rec[ci], d.day)
		if err != nil {
			return badBody("zq-futures: %s: %v", where, err)
		}
		v, err := parsePrice(rec[pi])
		if err != nil {
			return badBody("zq-futures: %s (%s): %v", where, c, err)
		}
		d.prices = append(d.prices, zqPrice{contract: c, price: v, where: where})
		return nil
	})
	if err != nil {
		return nil, err
	}
	days := make([]zqDay, 0, len(order))
	for _, k := range order {
		days = append(days, *byKey[k])
	}
	slices.SortStableFunc(days, func(a, b zqDay) int { return a.at.Compare(b.at) })
	return days, nil
}

// parsePrice reads a ZQ price and checks it is plausible.
func parsePrice(s string) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("price %q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < minPrice || v > maxPrice {
		return 0, fmt.Errorf("price %s is outside [%v, %v] (implied rate −1 %% to 25 %%)", s, minPrice, maxPrice)
	}
	return v, nil
}
