package fedodds

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/fomc"
)

// SourcePolymarket is the default source of events read from Polymarket.
const SourcePolymarket = "polymarket"

// endDateWindow is how far a market's endDate may lie from an FOMC meeting
// for the market to be taken as that meeting's.
const endDateWindow = 7 * 24 * time.Hour

// polyParser reads Polymarket Gamma Fed-decision markets.
type polyParser struct {
	parserBase
}

// pmMarket holds the Gamma market fields the parser uses, raw so that a
// field of an unexpected type skips one market instead of the body.
type pmMarket struct {
	Question       json.RawMessage `json:"question"`
	Slug           json.RawMessage `json:"slug"`
	GroupItemTitle json.RawMessage `json:"groupItemTitle"`
	Outcomes       json.RawMessage `json:"outcomes"`
	OutcomePrices  json.RawMessage `json:"outcomePrices"`
	EndDate        json.RawMessage `json:"endDate"`
}

// pmContext is what a market inherits from the event it is nested in.
type pmContext struct {
	title, slug, endDate string
}

// pmItem is one market with its event context.
type pmItem struct {
	raw json.RawMessage
	ctx pmContext
}

var (
	reMonthYear = regexp.MustCompile(`(?i)\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)[\s,]+(\d{4})\b`)
	reBP        = regexp.MustCompile(`(?i)(\d{1,3})\s*(\+?)\s*(?:bps?|basis[\s-]points?)\b`)
	reCut       = regexp.MustCompile(`(?i)\b(decrease[sd]?|cuts?|lowers?|reduces?|reduction)\b`)
	reHike      = regexp.MustCompile(`(?i)\b(increase[sd]?|hikes?|raises?)\b`)
	reNoChange  = regexp.MustCompile(`(?i)\b(no change|unchanged)\b`)
)

// parse reads a Gamma market object, an array of markets, an event object
// with markets, or an array of events, and returns one event.FedOdds per
// FOMC meeting on or after the observation day (now) whose bucket markets
// it recognises.
func (p polyParser) parse(body []byte, now time.Time) (feed.Observations, error) {
	body, err := p.trim(body)
	if err != nil {
		return feed.Observations{}, err
	}
	items, err := pmItems(body)
	if err != nil {
		return feed.Observations{}, err
	}
	var obs feed.Observations
	if len(items) == 0 {
		obs.Warnings = append(obs.Warnings, "polymarket: body lists no markets")
		return obs, nil
	}
	today := utcDay(now)
	var (
		skipped skips
		groups  = map[string][]event.Outcome{}
		order   []string
	)
	skip := skipped.add
	for i, it := range items {
		var m pmMarket
		if err := json.Unmarshal(it.raw, &m); err != nil {
			skip("market %d: %v", i, err)
			continue
		}
		question := jsonString(m.Question)
		label := question
		if label == "" {
			label = fmt.Sprintf("market %d", i)
		}
		change, ok := pmChange(jsonString(m.GroupItemTitle))
		if !ok {
			change, ok = pmChange(question)
		}
		if !ok {
			skip("%q: not a Fed-decision bucket (no change / N bps decrease / N bps increase)", label)
			continue
		}
		mt, err := p.meeting(m, it.ctx)
		if err != nil {
			skip("%q: %v", label, err)
			continue
		}
		price, err := pmYes(m)
		if err != nil {
			skip("%q: %v", label, err)
			continue
		}
		key := mt.String()
		if mt.Date.Before(today) {
			skip("%q: meeting %s was held before %s", label, key, today.Format(time.DateOnly))
			continue
		}
		if _, seen := groups[key]; !seen {
			order = append(order, key)
		}
		if slices.ContainsFunc(groups[key], func(o event.Outcome) bool { return o.ChangeBP == change }) {
			skip("%q: a second market for %+d bp at meeting %s", label, change, key)
			continue
		}
		groups[key] = append(groups[key], event.Outcome{ChangeBP: change, Probability: price})
	}
	slices.Sort(order)
	for _, key := range order {
		sum := sumProbability(groups[key])
		if len(groups[key]) < 2 {
			skip("meeting %s: only the %+d bp bucket; a distribution needs the event's other buckets", key, groups[key][0].ChangeBP)
			continue
		}
		if sum <= 0 {
			skip("meeting %s: every bucket is priced 0", key)
			continue
		}
		if math.Abs(sum-1) > 0.1 {
			obs.Warnings = append(obs.Warnings, fmt.Sprintf("polymarket meeting %s: YES prices sum to %.3f, normalized", key, sum))
		}
		obs.Events = append(obs.Events, p.odds(event.Millis(now), key, finish(groups[key], true)))
	}
	return skipped.report(p.format, "Fed-decision market", len(items), obs)
}

// pmItems returns the markets of a body with their event context.
func pmItems(body []byte) ([]pmItem, error) {
	var tops []json.RawMessage
	switch body[0] {
	case '[':
		if err := json.Unmarshal(body, &tops); err != nil {
			return nil, badBody("polymarket: JSON array: %v", err)
		}
	case '{':
		tops = []json.RawMessage{body}
	default:
		return nil, badBody("polymarket: body is not JSON (starts with %q)", firstRune(body))
	}
	var items []pmItem
	for i, t := range tops {
		obj := objectKeys(t)
		if obj == nil {
			var v any
			err := json.Unmarshal(t, &v)
			if len(tops) == 1 && body[0] == '{' {
				return nil, badBody("polymarket: body is not a JSON object: %v", err)
			}
			return nil, badBody("polymarket: element %d is not a JSON object", i)
		}
		ms, isEvent := obj["markets"]
		if !isEvent {
			items = append(items, pmItem{raw: t})
			continue
		}
		var list []json.RawMessage
		if err := json.Unmarshal(ms, &list); err != nil {
			return nil, badBody("polymarket: event %d: markets is not an array: %v", i, err)
		}
		ctx := pmContext{title: jsonString(obj["title"]), slug: jsonString(obj["slug"]), endDate: jsonString(obj["endDate"])}
		for _, m := range list {
			items = append(items, pmItem{raw: m, ctx: ctx})
		}
	}
	return items, nil
}

// pmChange reads a bucket label or question: "No change" → 0, "25 bps
// decrease" or "Fed decreases interest rates by 25 bps ...?" → −25, "50+
// bps decrease" → −50 (an open "N+" bucket is placed at N), "25+ bps
// increase" → +25.
func pmChange(text string) (int, bool) {
	if text == "" {
		return 0, false
	}
	if reNoChange.MatchString(text) {
		return 0, true
	}
	bp := reBP.FindStringSubmatch(text)
	cut, hike := reCut.MatchString(text), reHike.MatchString(text)
	if bp == nil || cut == hike {
		return 0, false
	}
	n, _ := strconv.Atoi(bp[1])
	if n == 0 || n > maxChangeBP || n%StepBP != 0 {
		return 0, false
	}
	if cut {
		return -n, true
	}
	return n, true
}

// meeting finds the FOMC meeting a market is about: a "<month> <year>" in
// the question, the bucket label, the slug, or the event's title or slug;
// else the meeting within a week of the market's (or event's) endDate.
func (p polyParser) meeting(m pmMarket, ctx pmContext) (fomc.Meeting, error) {
	texts := []string{jsonString(m.Question), jsonString(m.GroupItemTitle), strings.ReplaceAll(jsonString(m.Slug), "-", " "), ctx.title, strings.ReplaceAll(ctx.slug, "-", " ")}
	var tried []string
	for _, t := range texts {
		sm := reMonthYear.FindStringSubmatch(t)
		if sm == nil {
			continue
		}
		month := time.Month(slices.Index(monthAbbrev, strings.ToUpper(sm[1][:3])) + 1)
		year, _ := strconv.Atoi(sm[2])
		mt, has, err := p.cal.MeetingIn(year, month)
		if err == nil && has {
			return mt, nil
		}
		tried = append(tried, fmt.Sprintf("%d-%02d", year, month))
	}
	for _, s := range []string{jsonString(m.EndDate), ctx.endDate} {
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, s); err != nil {
				continue
			}
		}
		if mt, ok := p.cal.NearestMeeting(t, endDateWindow); ok {
			return mt, nil
		}
		tried = append(tried, "endDate "+s)
	}
	if len(tried) == 0 {
		return fomc.Meeting{}, fmt.Errorf("names no month and year and has no endDate")
	}
	return fomc.Meeting{}, fmt.Errorf("no shipped FOMC meeting for %s", strings.Join(tried, ", "))
}

// pmYes returns the YES price: the entry of outcomePrices at the position
// of "Yes" in outcomes (the first entry when outcomes is absent or has no
// "Yes"). Both fields are usually JSON-encoded strings holding an array.
func pmYes(m pmMarket) (float64, error) {
	prices, err := pmList(m.OutcomePrices)
	if err != nil {
		return 0, fmt.Errorf("outcomePrices: %v", err)
	}
	if len(prices) == 0 {
		return 0, fmt.Errorf("outcomePrices is empty")
	}
	idx := 0
	if outs, err := pmList(m.Outcomes); err == nil {
		if i := slices.IndexFunc(outs, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "yes") }); i >= 0 {
			idx = i
		}
	}
	if idx >= len(prices) {
		return 0, fmt.Errorf("outcomePrices has %d entries, YES is outcome %d", len(prices), idx)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(prices[idx]), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return 0, fmt.Errorf("YES price %q is not a probability in [0, 1]", prices[idx])
	}
	return v, nil
}

// pmList decodes an array field that Gamma writes as a JSON-encoded string
// ("[\"Yes\", \"No\"]") or, in some bodies, as a plain array; entries may
// be strings or numbers.
func pmList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("absent")
	}
	if s := jsonString(raw); s != "" {
		raw = json.RawMessage(s)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("not an array: %v", err)
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if s := jsonString(it); s != "" || string(it) == `""` {
			out = append(out, s)
			continue
		}
		var f float64
		if err := json.Unmarshal(it, &f); err != nil {
			return nil, fmt.Errorf("entry %s is neither a string nor a number", it)
		}
		out = append(out, strconv.FormatFloat(f, 'g', -1, 64))
	}
	return out, nil
}
