package replay

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/fedodds"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/history"
)

// Now is the ingest time given to every replayed event: the day after
// history.LastDate, so every observation is in the past and the events
// (and their ids) are the same on every run.
var Now = history.LastDate.AddDate(0, 0, 1)

// zqSeries are the ZQ history files, m0 first: on day D, m_k is the
// contract of month(D)+k.
var zqSeries = []string{"fed_funds_futures_zq_m0", "fed_funds_futures_zq_m1", "fed_funds_futures_zq_m2", "fed_funds_futures_zq_m3"}

// FedOdds returns the Fed odds of every day from from to to (UTC calendar
// days, both included) that has ZQ prices, as the zq-futures feed gives
// them for that day's m0..m3 prices (see the package doc for the
// conventions), sealed at Now and in the parser's order: by day, then by
// meeting. A range without ZQ prices gives none. The error, which the
// shipped files do not give, says which file or day failed.
func FedOdds(from, to time.Time) ([]*event.FedOdds, error) {
	body, days, err := zqBody(utcDay(from), utcDay(to))
	if err != nil || days == 0 {
		return nil, err
	}
	parse, err := fedodds.ZQFutures(nil)
	if err != nil {
		return nil, fmt.Errorf("replay fed odds: %w", err)
	}
	obs, err := parse(body, Now)
	if err != nil {
		return nil, fmt.Errorf("replay fed odds: %w", err)
	}
	out := make([]*event.FedOdds, 0, len(obs.Events))
	for _, e := range obs.Events {
		fo, ok := e.(*event.FedOdds)
		if !ok {
			return nil, fmt.Errorf("replay fed odds: zq-futures gave a %T", e)
		}
		if err := seal(fo); err != nil {
			return nil, fmt.Errorf("replay fed odds: %w", err)
		}
		out = append(out, fo)
	}
	return out, nil
}

// zqBody writes the ZQ prices of the days in [from, to] as a zq-futures
// CSV (date, contract YYYY-MM, price as the file writes it) and returns it
// with the number of days.
func zqBody(from, to time.Time) ([]byte, int, error) {
	type price struct {
		k    int
		text string
	}
	byDay := map[time.Time][]price{}
	for k, name := range zqSeries {
		s, err := history.Lookup(name)
		if err != nil {
			return nil, 0, err
		}
		vs, err := s.Values()
		if err != nil {
			return nil, 0, err
		}
		for _, v := range vs {
			if !v.Date.Before(from) && !v.Date.After(to) {
				byDay[v.Date] = append(byDay[v.Date], price{k: k, text: v.Text})
			}
		}
	}
	days := make([]time.Time, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.SortFunc(days, time.Time.Compare)
	var b bytes.Buffer
	b.WriteString("date,contract,price\n")
	for _, d := range days {
		for _, p := range byDay[d] {
			c := d.AddDate(0, p.k, 1-d.Day()) // the first of month(d)+k
			fmt.Fprintf(&b, "%s,%s,%s\n", d.Format(time.DateOnly), c.Format("2006-01"), p.text)
		}
	}
	return b.Bytes(), len(days), nil
}

// Events returns the whole history as one time-ordered replay: the market
// quotes (USDJPY, UST2Y, UST10Y, BTC-USD, VIX) and JGB yields every event
// series of pkg/history gives through its format, exactly as `carrywatch
// feed backfill --history` publishes them, and the Fed odds of FedOdds over
// the whole window. Every event is sealed at Now and valid. The order is
// by observed_at, then schema, source and key (the rest of an event's
// identity), so it is total and the same on every run. The error, which
// the shipped files do not give, says which series failed.
func Events() ([]event.Event, error) {
	var out []event.Event
	for _, s := range history.Events() {
		f, err := feed.Lookup(markets.Formats(), s.Format())
		if err != nil {
			return nil, fmt.Errorf("replay %s: %w", s.Name, err)
		}
		parse, err := f.New(s.Params())
		if err != nil {
			return nil, fmt.Errorf("replay %s: %w", s.Name, err)
		}
		body, err := s.Bytes()
		if err != nil {
			return nil, err
		}
		obs, err := parse(body, Now)
		if err != nil {
			return nil, fmt.Errorf("replay %s: %w", s.Name, err)
		}
		for _, e := range obs.Events {
			if err := seal(e); err != nil {
				return nil, fmt.Errorf("replay %s: %w", s.Name, err)
			}
			out = append(out, e)
		}
	}
	odds, err := FedOdds(time.Time{}, history.LastDate)
	if err != nil {
		return nil, err
	}
	for _, e := range odds {
		out = append(out, e)
	}
	slices.SortFunc(out, compare)
	return out, nil
}

// compare orders events by observed_at, schema, source and key.
func compare(a, b event.Event) int {
	ha, hb := a.Header(), b.Header()
	return cmp.Or(
		ha.ObservedAt.Compare(hb.ObservedAt),
		cmp.Compare(a.SchemaName(), b.SchemaName()),
		cmp.Compare(ha.Source, hb.Source),
		cmp.Compare(a.Key(), b.Key()),
	)
}

// seal seals e at Now and validates it.
func seal(e event.Event) error {
	event.Seal(e, Now)
	if err := e.Validate(Now); err != nil {
		return fmt.Errorf("%s %s at %s: %w", e.SchemaName(), e.Key(), e.Header().ObservedAt.Format(time.RFC3339), err)
	}
	return nil
}

// utcDay returns midnight UTC of t's UTC calendar day.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
