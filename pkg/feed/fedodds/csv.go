package fedodds

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// SourceCSV is the default source of events read from fedodds-csv.
const SourceCSV = "csv"

// csvParser reads the long-form fedodds-csv format.
type csvParser struct {
	parserBase
}

// parse reads observed_at,meeting,change_bp,probability rows (probability
// in [0, 1], or in percent when the column is named probability_pct) and
// returns one event.FedOdds per (observed_at, meeting) in order of first
// appearance.
func (p csvParser) parse(body []byte, now time.Time) (feed.Observations, error) {
	body, err := p.trim(body)
	if err != nil {
		return feed.Observations{}, err
	}
	if body[0] == '{' || body[0] == '[' || body[0] == '<' {
		return feed.Observations{}, badBody("fedodds-csv: body is JSON or HTML, not CSV (starts with %q)", body[0])
	}
	t, err := readCSVTable("fedodds-csv", "header", body)
	if err != nil {
		return feed.Observations{}, err
	}
	oi, mi, ci := t.header.find("observed_at", "obs_date"), t.header.find("meeting"), t.header.find("change_bp")
	pi, scale := t.header.find("probability"), 1.0
	if pi < 0 {
		if pi = t.header.find("probability_pct"); pi >= 0 {
			scale = 100
		}
	}
	if oi < 0 || mi < 0 || ci < 0 || pi < 0 {
		return feed.Observations{}, badBody("fedodds-csv: header must name observed_at, meeting, change_bp and probability (or probability_pct) columns, got %q", t.header)
	}

	type group struct {
		odds  *event.FedOdds
		lines []int
	}
	var (
		groups []*group
		byKey  = map[string]*group{}
		obs    feed.Observations
	)
	err = t.rows(max(oi, mi, ci, pi), func(line int, rec []string) error {
		_, at, err := observation(rec[oi], now)
		if err != nil {
			return badBody("fedodds-csv: line %d: observed_at: %v", line, err)
		}
		meeting := strings.TrimSpace(rec[mi])
		md, err := time.Parse(time.DateOnly, meeting)
		if err != nil {
			return badBody("fedodds-csv: line %d: meeting %q is not YYYY-MM-DD", line, meeting)
		}
		change, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(rec[ci]), "+"))
		if err != nil || change < -maxChangeBP || change > maxChangeBP {
			return badBody("fedodds-csv: line %d: change_bp %q is not an integer in [-500, 500]", line, rec[ci])
		}
		prob, err := strconv.ParseFloat(strings.TrimSpace(rec[pi]), 64)
		if err == nil {
			prob /= scale
		}
		if err != nil || math.IsNaN(prob) || prob < 0 || prob > 1 {
			return badBody("fedodds-csv: line %d: %s %q is not in [0, %v]", line, t.header[pi], rec[pi], scale)
		}
		key := at.Format(time.RFC3339Nano) + "|" + meeting
		g, ok := byKey[key]
		if !ok {
			if mt, has, err := p.cal.MeetingIn(md.Year(), md.Month()); err == nil && (!has || !mt.Date.Equal(md)) {
				obs.Warnings = append(obs.Warnings, fmt.Sprintf("fedodds-csv line %d: %s is not a scheduled FOMC meeting in the shipped calendar", line, meeting))
			}
			g = &group{odds: p.odds(at, meeting, nil)}
			byKey[key] = g
			groups = append(groups, g)
		}
		for i, o := range g.odds.Outcomes {
			if o.ChangeBP == change {
				return badBody("fedodds-csv: line %d: change_bp %d for %s at %s already given on line %d", line, change, meeting, at.Format(time.RFC3339), g.lines[i])
			}
		}
		g.odds.Outcomes = append(g.odds.Outcomes, event.Outcome{ChangeBP: change, Probability: prob})
		g.lines = append(g.lines, line)
		return nil
	})
	if err != nil {
		return feed.Observations{}, err
	}
	for _, g := range groups {
		sum := sumProbability(g.odds.Outcomes)
		if math.Abs(sum-1) > event.ProbabilityTolerance {
			return feed.Observations{}, badBody("fedodds-csv: lines %v: probabilities for %s at %s sum to %.4f, not 1 ± %v", g.lines, g.odds.Meeting, g.odds.ObservedAt.Format(time.RFC3339), sum, event.ProbabilityTolerance)
		}
		g.odds.Outcomes = finish(g.odds.Outcomes, false)
		if len(g.odds.Outcomes) == 0 {
			return feed.Observations{}, badBody("fedodds-csv: lines %v: every probability is 0", g.lines)
		}
		obs.Events = append(obs.Events, g.odds)
	}
	return obs, nil
}
