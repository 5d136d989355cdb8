package markets

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin for the ECB's 14:15 CET fixing, on hosts without a zoneinfo database
	"unicode/utf8"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// FormatECBFX is the ECB euro reference rates format.
const FormatECBFX = "ecb-fx"

// SourceECB is the default event source of ecb-fx.
const SourceECB = "ecb"

// ECBDerivedFrom is the derived_from of every ecb-fx quote.
const ECBDerivedFrom = "EURJPY/EURUSD"

// ecbFixingHour and ecbFixingMinute are the local time, in Europe/Berlin,
// at which the ECB sets its reference rates: 14:15 CET/CEST.
const (
	ecbFixingHour   = 14
	ecbFixingMinute = 15
)

// ecbZone is Europe/Berlin, loaded once; time/tzdata is linked in, so it
// cannot fail on a host without a zoneinfo database.
var ecbZone = sync.OnceValues(func() (*time.Location, error) { return time.LoadLocation("Europe/Berlin") })

func ecbFormats() []feed.Format {
	return []feed.Format{{
		Name: FormatECBFX,
		Doc: "ECB euro foreign exchange reference rates XML (eurofxref-daily.xml, eurofxref-hist-90d.xml, eurofxref-hist.xml): " +
			"one USDJPY fixing per day crossed through the euro, JPY rate / USD rate (derived_from EURJPY/EURUSD), " +
			"observed at 14:15 Europe/Berlin (13:15 UTC in winter, 12:15 UTC in summer). Params: source (default ecb).",
		New: NewECBFX,
	}}
}

// NewECBFX returns the ecb-fx parser. The only parameter is source
// (default "ecb"); anything else returns an error wrapping
// feed.ErrBadParam.
func NewECBFX(params map[string]string) (feed.Parser, error) {
	source := SourceECB
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k != paramSource {
			return nil, fmt.Errorf("%s: %w: unknown parameter %q (known: source)", FormatECBFX, feed.ErrBadParam, k)
		}
		source = params[k]
	}
	if err := feed.CheckSource(source); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", FormatECBFX, feed.ErrBadParam, err)
	}
	return func(body []byte, now time.Time) (feed.Observations, error) {
		return ParseECB(body, source, now)
	}, nil
}

// ecbEnvelope is the gesmes:Envelope of every ECB reference-rate file.
// Tags name local elements only: encoding/xml matches them in any
// namespace, so gesmes:Envelope and the eurofxref Cubes both decode.
type ecbEnvelope struct {
	XMLName xml.Name `xml:"Envelope"`
	Cube    struct {
		Days []ecbDay `xml:"Cube"`
	} `xml:"Cube"`
}

type ecbDay struct {
	Time  string    `xml:"time,attr"`
	Rates []ecbRate `xml:"Cube"`
}

type ecbRate struct {
	Currency string `xml:"currency,attr"`
	Rate     string `xml:"rate,attr"`
}

// ECBFixingTime returns when the ECB's reference rates of date (its year,
// month and day) are set: 14:15 in Europe/Berlin, in UTC. It fails only if
// the Europe/Berlin zone cannot be loaded, which the linked-in time/tzdata
// rules out.
func ECBFixingTime(date time.Time) (time.Time, error) {
	zone, err := ecbZone()
	if err != nil {
		return time.Time{}, fmt.Errorf("load Europe/Berlin: %w", err)
	}
	y, m, d := date.Date()
	return time.Date(y, m, d, ecbFixingHour, ecbFixingMinute, 0, 0, zone).UTC(), nil
}

// ParseECB reads an ECB reference-rate file into USDJPY fixings (see the
// package documentation), oldest first, with source as their source. A day
// without a USD or a JPY rate, or whose fixing lies after now, is skipped
// with a warning. It returns an error wrapping feed.ErrBadBody for a body
// that is not such a file: not XML, HTML, truncated, no dated Cube, a
// date that is not YYYY-MM-DD or appears twice, a rate that is not a plain
// positive decimal, or no day with both rates.
func ParseECB(body []byte, source string, now time.Time) (feed.Observations, error) {
	const what = "ecb reference rates"
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return feed.Observations{}, exReject(what, "empty body")
	case !utf8.Valid(trimmed):
		return feed.Observations{}, exReject(what, "binary data, not XML: %s", feedtext.Snippet(trimmed))
	case trimmed[0] != '<':
		return feed.Observations{}, exReject(what, "not XML: %s", feedtext.Snippet(trimmed))
	case ecbLooksHTML(trimmed):
		return feed.Observations{}, exReject(what, "an HTML page, not the ECB's XML: %s", feedtext.Snippet(trimmed))
	}
	var env ecbEnvelope
	dec := xml.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(&env); err != nil {
		var syntax *xml.SyntaxError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &syntax) && strings.Contains(syntax.Msg, "unexpected EOF")):
			return feed.Observations{}, exReject(what, "truncated XML: the body ends inside an element after %d bytes", len(trimmed))
		case errors.As(err, &syntax):
			return feed.Observations{}, exReject(what, "invalid XML at line %d: %s", syntax.Line, syntax.Msg)
		}
		return feed.Observations{}, exReject(what, "not a gesmes:Envelope: %v", err)
	}
	if err := ecbTrailer(dec); err != nil {
		return feed.Observations{}, exReject(what, "%v", err)
	}
	if len(env.Cube.Days) == 0 {
		return feed.Observations{}, exReject(what, "no dated Cube in the envelope")
	}

	var quotes []*event.MarketQuote
	var warnings []string
	seen := map[string]bool{}
	for _, day := range env.Cube.Days {
		date, err := time.Parse(time.DateOnly, day.Time)
		if err != nil {
			return feed.Observations{}, exReject(what, "Cube time %q is not a YYYY-MM-DD date", day.Time)
		}
		if seen[day.Time] {
			return feed.Observations{}, exReject(what, "the day %s appears twice", day.Time)
		}
		seen[day.Time] = true
		rates := map[string]float64{}
		for _, r := range day.Rates {
			v, err := exPrice("rate", r.Rate)
			if err == nil && v == 0 {
				err = fmt.Errorf("rate %q is zero", r.Rate)
			}
			if err != nil {
				return feed.Observations{}, exReject(what, "%s on %s: %v", r.Currency, day.Time, err)
			}
			rates[r.Currency] = v
		}
		usd, okUSD := rates["USD"]
		jpy, okJPY := rates["JPY"]
		if !okUSD || !okJPY {
			warnings = append(warnings, fmt.Sprintf("%s: no USD and JPY rates both (USD %t, JPY %t); day skipped", day.Time, okUSD, okJPY))
			continue
		}
		at, err := ECBFixingTime(date)
		if err != nil {
			return feed.Observations{}, err
		}
		if at.After(now.Add(event.MaxClockSkew)) {
			warnings = append(warnings, fmt.Sprintf("%s: fixing at %s is after the fetch time %s; day skipped", day.Time, at.Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
			continue
		}
		q := exQuote(source, event.InstrumentUSDJPY, event.UnitJPYPerUSD, event.QuoteFixing, ECBDerivedFrom, jpy/usd, at)
		if err := exCheck(q, now); err != nil {
			return feed.Observations{}, exReject(what, "%s: %v", day.Time, err)
		}
		quotes = append(quotes, q)
	}
	if len(quotes) == 0 {
		return feed.Observations{}, exReject(what, "no day with both a USD and a JPY rate; %s", strings.Join(warnings, "; "))
	}
	exSortQuotes(quotes)
	return exObservations(quotes, warnings), nil
}

// ecbLooksHTML reports whether an XML-looking body is an HTML page.
func ecbLooksHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 64)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// ecbTrailer checks that only comments, processing instructions and white
// space follow the envelope.
func ecbTrailer(dec *xml.Decoder) error {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("after the closing </gesmes:Envelope>: %w", err)
		}
		switch t := tok.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("text after the closing </gesmes:Envelope>: %s", feedtext.Snippet(t))
			}
		default:
			return fmt.Errorf("data after the closing </gesmes:Envelope>")
		}
	}
}
