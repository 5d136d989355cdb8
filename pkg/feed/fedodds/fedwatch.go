package fedodds

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/fomc"
)

// LateMeetingDays is the late-meeting threshold. A meeting that leaves this
// many days or fewer of its month at the new rate (meeting day included) is
// late: its own contract says little about the new rate (the end-of-month
// formula divides the surprise by that handful of days, multiplying price
// noise up to 31-fold), so the next month's contract is used instead when
// that month has no meeting: its average is the post-meeting rate. CME
// describes working from meeting-free months; its public pages state no
// day threshold, so the number is this package's: 7, the last week of the
// month. The shipped dates of 2015 and 2024–2027 leave either ≤ 5 or ≥ 12
// days, so any threshold from 5 to 11 gives the same results for them;
// older years have meetings leaving 6 to 11 days, where the choice matters.
const LateMeetingDays = 7

// StepBP is the size of one rate move the method assumes, in basis points.
const StepBP = 25

// minPrice and maxPrice bound a plausible ZQ price: an implied rate from
// −1 % to 25 %.
const (
	minPrice = 75.0
	maxPrice = 101.0
)

// maxChangeBP is the largest cumulative change event.FedOdds accepts.
const maxChangeBP = 500

// MeetingEndRate returns the rate at the end of a month, in percent, implied
// by the month's contract average avg when the rate was start before an
// FOMC decision on day meetingDay of a daysInMonth-day month.
//
// Meeting-day convention: the decision day itself is counted at the new
// rate. With M = meetingDay − 1 days at start and N = daysInMonth,
// avg = (M·start + (N−M)·end)/N, so end = (avg − (M/N)·start)·N/(N−M).
// This is the convention that reproduces CME's worked example for the
// 17 Sep 2015 meeting (M = 16, N = 30 → 53.6 % hike); counting the meeting
// day at the old rate (M = 17) would give 57.7 %.
func MeetingEndRate(avg, start float64, meetingDay, daysInMonth int) float64 {
	m := float64(meetingDay - 1)
	n := float64(daysInMonth)
	return (avg - (m/n)*start) * n / (n - m)
}

// StepOutcomes splits the expected move from start to end (percent) over the
// two 25-bp multiples that bracket it: a move of x steps, k ≤ x < k+1, is
// k steps with probability k+1−x and k+1 steps with probability x−k. The
// outcomes' ChangeBP are relative to start; zero probabilities are left out.
func StepOutcomes(start, end float64) []event.Outcome {
	x := (end - start) * 100 / StepBP
	if r := math.Round(x); math.Abs(x-r) < 1e-9 {
		x = r
	}
	k := math.Floor(x)
	f := x - k
	out := []event.Outcome{{ChangeBP: int(k) * StepBP, Probability: 1 - f}}
	if f > 0 {
		out = append(out, event.Outcome{ChangeBP: (int(k) + 1) * StepBP, Probability: f})
	}
	return out
}

// Compound chains a meeting's step outcomes onto the unconditional
// distribution of the cumulative change after the previous meeting (nil for
// the first meeting), treating the step as independent of the path, as
// FedWatch's probability tree does. The result is sorted by ChangeBP and
// sums to 1.
func Compound(prev, step []event.Outcome) []event.Outcome {
	if prev == nil {
		return finish(step, true)
	}
	var out []event.Outcome
	for _, p := range prev {
		for _, s := range step {
			out = append(out, event.Outcome{ChangeBP: p.ChangeBP + s.ChangeBP, Probability: p.Probability * s.Probability})
		}
	}
	return finish(out, true)
}

// FedWatchInput is what the FedWatch method reads at one observation day.
type FedWatchInput struct {
	// ObservedOn is the observation day (its UTC calendar day counts).
	// Meetings on or after it are upcoming.
	ObservedOn time.Time
	// Prices are ZQ settlement prices by contract month.
	Prices map[ContractMonth]float64
	// StartRate returns the rate, in percent, in force at the observation
	// day, used only when no meeting-free month anchors the chain before
	// the first upcoming meeting. It is called at most once.
	StartRate func() (float64, error)
}

// MeetingOdds is the FedWatch result for one upcoming meeting.
type MeetingOdds struct {
	// Meeting is the FOMC meeting.
	Meeting fomc.Meeting
	// Start and End are the expected rates, in percent, just before and
	// after the meeting.
	Start, End float64
	// StartFrom says where Start came from: a contract month ("2025-11"),
	// the previous meeting ("meeting 2025-12-10"), or "start rate".
	StartFrom string
	// EndFrom is the contract End was read from.
	EndFrom ContractMonth
	// Step is this meeting's own move, relative to Start.
	Step []event.Outcome
	// Outcomes is the unconditional distribution of the cumulative change
	// relative to the range in force at the observation day.
	Outcomes []event.Outcome
}

// FedWatch applies CME's FedWatch method to one day's ZQ prices: walking
// month by month from the observation month to the last priced month, a
// meeting-free priced month re-anchors the expected rate (its average is
// the rate throughout), and each upcoming meeting month turns its contract
// average into an end-of-month rate with MeetingEndRate, starting from the
// latest expected rate. A late meeting (see LateMeetingDays) takes its end
// rate from the next month's contract when that month is meeting-free and
// priced; a meeting month without a price does the same whatever the day.
// The rate before the first meeting is the previous month's average when
// that month is meeting-free and priced, else the observation month's
// average when it is meeting-free and priced, else StartRate. Each
// meeting's move is split over 25-bp steps (StepOutcomes) and chained
// (Compound).
//
// Unscheduled decisions count only once they are known: one made on or
// before the observation day makes its month not meeting-free (its average
// mixes two rates), and an upcoming meeting in such a month takes its end
// rate from the next month's contract when that month is meeting-free and
// priced, else the chain stops there. One made later is unknown on the
// observation day and changes nothing. Odds are only computed for
// scheduled meetings.
//
// Prices must lie in [75, 101] (implied rates −1 % to 25 %) and the start
// rate in [−1, 25] %.
//
// The walk stops at the first meeting it cannot price, at a month the
// calendar does not cover, or at an implausible move (beyond ±500 bp); a
// stop before the last priced month is reported as a warning. It returns an
// error if no meeting could be priced at all, saying why.
func FedWatch(cal *fomc.Calendar, in FedWatchInput) ([]MeetingOdds, []string, error) {
	if len(in.Prices) == 0 {
		return nil, nil, errors.New("no prices")
	}
	obs := utcDay(in.ObservedOn)
	first := MonthOf(obs)
	last := first
	for m, p := range in.Prices {
		if math.IsNaN(p) || math.IsInf(p, 0) || p < minPrice || p > maxPrice {
			return nil, nil, fmt.Errorf("price %v of %s is outside [%v, %v]", p, m, minPrice, maxPrice)
		}
		if last.Before(m) {
			last = m
		}
	}
	avg := func(m ContractMonth) (float64, bool) {
		p, ok := in.Prices[m]
		return 100 - p, ok
	}
	meetingFree := func(m ContractMonth) bool { return meetingFree(cal, m, obs) }

	var (
		cur      float64
		curFrom  string
		haveCur  bool
		results  []MeetingOdds
		dist     []event.Outcome
		warnings []string
		stop     string
	)
	// The rate before the chain: a meeting-free previous month, unless a
	// meeting earlier this month has moved the rate since.
	if mt, has, err := cal.MeetingIn(first.Year, first.Month); err == nil && (!has || !mt.Date.Before(obs)) && len(cal.UnscheduledIn(first.Year, first.Month, obs)) == 0 {
		if a, ok := avg(first.Prev()); ok && meetingFree(first.Prev()) {
			cur, curFrom, haveCur = a, first.Prev().String(), true
		}
	}
	startRate := func() (float64, string, error) {
		if haveCur {
			return cur, curFrom, nil
		}
		if in.StartRate == nil {
			return 0, "", errors.New("no meeting-free month anchors the chain and no start rate is known")
		}
		r, err := in.StartRate()
		if err != nil {
			return 0, "", fmt.Errorf("no meeting-free month anchors the chain: start rate: %w", err)
		}
		if math.IsNaN(r) || math.IsInf(r, 0) || r < 100-maxPrice || r > 100-minPrice {
			return 0, "", fmt.Errorf("start rate %v %% is outside [%v, %v]", r, 100-maxPrice, 100-minPrice)
		}
		cur, curFrom, haveCur = r, "start rate", true
		return r, curFrom, nil
	}

	for m := first; !last.Before(m); m = m.Next() {
		mt, has, err := cal.MeetingIn(m.Year, m.Month)
		if err != nil {
			stop = err.Error()
			break
		}
		if !has || mt.Date.Before(obs) {
			if a, ok := avg(m); ok && !has && meetingFree(m) {
				cur, curFrom, haveCur = a, m.String(), true
			}
			continue
		}
		start, from, err := startRate()
		if err != nil {
			stop = fmt.Sprintf("meeting %s: %v", mt, err)
			break
		}
		end, endFrom, note, err := endRate(cal, obs, m, mt, start, avg)
		if err != nil {
			stop = fmt.Sprintf("meeting %s: %v", mt, err)
			break
		}
		if note != "" {
			warnings = append(warnings, fmt.Sprintf("meeting %s: %s", mt, note))
		}
		step := StepOutcomes(start, end)
		next := Compound(dist, step)
		if lo, hi := next[0].ChangeBP, next[len(next)-1].ChangeBP; lo < -maxChangeBP || hi > maxChangeBP {
			stop = fmt.Sprintf("meeting %s: implausible cumulative change %+d..%+d bp (start %.4f %%, end %.4f %%)", mt, lo, hi, start, end)
			break
		}
		dist = next
		results = append(results, MeetingOdds{Meeting: mt, Start: start, End: end, StartFrom: from, EndFrom: endFrom, Step: step, Outcomes: dist})
		cur, curFrom, haveCur = end, "meeting "+mt.String(), true
	}
	if stop != "" {
		if len(results) == 0 {
			return nil, warnings, errors.New(stop)
		}
		warnings = append(warnings, "chain stopped: "+stop)
	}
	if len(results) == 0 {
		return nil, warnings, fmt.Errorf("no upcoming FOMC meeting in the priced months %s..%s", first, last)
	}
	return results, warnings, nil
}

// meetingFree reports whether month m has neither a scheduled meeting nor
// an unscheduled decision known on day obs, in a year the calendar covers.
func meetingFree(cal *fomc.Calendar, m ContractMonth, obs time.Time) bool {
	_, has, err := cal.MeetingIn(m.Year, m.Month)
	return err == nil && !has && len(cal.UnscheduledIn(m.Year, m.Month, obs)) == 0
}

// endRate returns the expected rate after meeting mt in month m, seen on
// day obs, and the contract it was read from, with a note when it had to
// fall back.
func endRate(cal *fomc.Calendar, obs time.Time, m ContractMonth, mt fomc.Meeting, start float64, avg func(ContractMonth) (float64, bool)) (float64, ContractMonth, string, error) {
	day, n := mt.Date.Day(), m.Days()
	late := n-day+1 <= LateMeetingDays
	next := m.Next()
	nextFree := meetingFree(cal, next, obs)
	nextAvg, nextPriced := avg(next)
	own, ownPriced := avg(m)
	moved := cal.UnscheduledIn(m.Year, m.Month, obs)
	switch {
	case (late || len(moved) > 0) && nextFree && nextPriced:
		return nextAvg, next, "", nil
	case len(moved) > 0:
		return 0, ContractMonth{}, "", fmt.Errorf("the unscheduled decision of %s moved the rate earlier in %s and %s is not a priced meeting-free month", moved[0], m, next)
	case ownPriced:
		note := ""
		if late {
			note = fmt.Sprintf("late meeting (day %d of %d) but %s is not a priced meeting-free month; used %s", day, n, next, m)
		}
		return MeetingEndRate(own, start, day, n), m, note, nil
	case nextFree && nextPriced:
		return nextAvg, next, fmt.Sprintf("no price for %s; used meeting-free %s", m, next), nil
	}
	return 0, ContractMonth{}, "", fmt.Errorf("no price for %s and %s is not a priced meeting-free month", m, next)
}
