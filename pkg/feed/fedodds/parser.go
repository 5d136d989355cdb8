package fedodds

import (
	"bytes"
	"fmt"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
	"github.com/carrywatch/carrywatch/pkg/fomc"
)

// parserBase is what every Fed-odds parser holds: its format name, the
// events' source and the shipped FOMC calendar.
type parserBase struct {
	format string
	source string
	cal    *fomc.Calendar
}

// newParserBase reads the source parameter of format (def when absent) and
// loads the shipped calendar. It returns an error wrapping feed.ErrBadParam
// for a parameter that is neither source nor one of extra, or an invalid
// source; the format's own parameters (extra) are left to the caller.
func newParserBase(format, def string, params map[string]string, extra ...string) (parserBase, error) {
	if err := knownParams(format, params, append([]string{"source"}, extra...)...); err != nil {
		return parserBase{}, err
	}
	source, err := sourceParam(format, params, def)
	if err != nil {
		return parserBase{}, err
	}
	cal, err := fomc.Shipped()
	if err != nil {
		return parserBase{}, fmt.Errorf("%s: %w", format, err)
	}
	return parserBase{format: format, source: source, cal: cal}, nil
}

// trim returns body without a byte-order mark and surrounding white space;
// an error wrapping feed.ErrBadBody if nothing is left.
func (b parserBase) trim(body []byte) ([]byte, error) {
	body, err := feedtext.Trim(body)
	if err != nil {
		return nil, badBody("%s: %v", b.format, err)
	}
	return bytes.TrimSpace(body), nil
}

// odds returns the unsealed event for a meeting's outcomes observed at at.
func (b parserBase) odds(at time.Time, meeting string, outs []event.Outcome) *event.FedOdds {
	return &event.FedOdds{Meta: event.Meta{Source: b.source, ObservedAt: at}, Meeting: meeting, Outcomes: outs}
}
