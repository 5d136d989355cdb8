package fault_test

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/sink"
)

// poison is one bad input, or one odd but valid one (code "").
type poison struct {
	name    string
	subject string
	data    string
	// code is the dead-letter code (event.Code of the rejection); "" means
	// the sink accepts the message and stores it.
	code string
	// reason is a part of the dead letter's reason.
	reason string
	// truncated: the message is too large for its dead letter to carry it
	// whole under max_payload; the dead letter keeps a prefix, the size and
	// the SHA-256.
	truncated bool
}

// poisons returns the bad inputs, built from one valid JGB yield and one
// valid set of Fed odds so that each breaks exactly one rule. now is the
// time the sink validates against, give or take the test's duration.
func poisons(t *testing.T, now time.Time) []poison {
	t.Helper()
	observed := time.Date(2025, 11, 20, 6, 0, 0, 0, time.UTC)
	jgb := &event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: observed}, Tenor: "10Y", YieldPct: 1.86}
	fed := &event.FedOdds{Meta: event.Meta{Source: "cme-fedwatch", ObservedAt: observed}, Meeting: "2025-12-10",
		Outcomes: []event.Outcome{{ChangeBP: -25, Probability: 0.8}, {ChangeBP: 0, Probability: 0.2}}}
	offset := &event.JGBYield{Meta: event.Meta{Source: "mof", ObservedAt: observed}, Tenor: "7Y", YieldPct: 1.5}
	dl := event.NewDeadLetter("ingest", "cw.events.jgb.yield.10Y", []byte("10Y,1.86"), 0,
		&event.ValidationError{Field: "yield_pct", Err: event.ErrMalformed}, observed, observed)
	var y, f, o, d string
	for _, m := range []struct {
		ev  event.Event
		out *string
	}{{jgb, &y}, {fed, &f}, {offset, &o}, {dl, &d}} {
		event.Seal(m.ev, observed.Add(time.Second))
		b, err := event.Marshal(m.ev)
		require.NoError(t, err)
		*m.out = string(b)
	}
	const (
		ySubject = "cw.events.jgb.yield.10Y"
		fSubject = "cw.events.fed.odds.2025-12-10"
	)
	at := `"observed_at":"2025-11-20T06:00:00Z"`
	// replace replaces old, which must occur in s, once.
	replace := func(s, old, new string) string {
		require.Contains(t, s, old)
		return strings.Replace(s, old, new, 1)
	}
	return []poison{
		{name: "not JSON", subject: ySubject, data: "10Y 1.86", code: "malformed", reason: "malformed message: invalid character"},
		{name: "truncated JSON", subject: ySubject, data: y[:len(y)/2], code: "malformed", reason: "unexpected end of JSON input"},
		{name: "empty body", subject: ySubject, data: "", code: "malformed", reason: "unexpected end of JSON input"},
		{name: "JSON null", subject: ySubject, data: "null", code: "missing", reason: "schema: missing required field"},
		{name: "JSON array", subject: ySubject, data: "[" + y + "]", code: "malformed", reason: "cannot unmarshal array"},
		{name: "trailing data", subject: ySubject, data: y + `{"tenor":"2Y"}`, code: "malformed", reason: "after top-level value"},
		{name: "wrong schema name", subject: ySubject, data: replace(y, "cw.jgb.yield/v1", "cw.jgb.yeild/v1"), code: "unknown_schema", reason: `unknown schema: "cw.jgb.yeild/v1"`},
		{name: "unknown schema version", subject: ySubject, data: replace(y, "cw.jgb.yield/v1", "cw.jgb.yield/v2"), code: "unknown_schema", reason: `unknown schema: "cw.jgb.yield/v2"`},
		{name: "missing schema", subject: ySubject, data: replace(y, `"schema":"cw.jgb.yield/v1",`, ""), code: "missing", reason: "schema: missing required field"},
		{name: "missing id", subject: ySubject, data: replace(y, `"id":"`+jgb.ID+`",`, ""), code: "missing", reason: "id: missing required field"},
		{name: "id of other content", subject: ySubject, data: replace(y, jgb.ID, strings.Repeat("0", 32)), code: "bad_id", reason: "id: id does not match source, key and observed_at"},
		{name: "id not hex", subject: ySubject, data: replace(y, jgb.ID, "jgb-10y-2025-11-20"), code: "bad_format", reason: "id: bad format"},
		{name: "missing source", subject: ySubject, data: replace(y, `"source":"mof",`, ""), code: "missing", reason: "source: missing required field"},
		{name: "source not lowercase", subject: ySubject, data: replace(y, `"source":"mof"`, `"source":"MOF"`), code: "bad_format", reason: "source: bad format"},
		{name: "missing ingested_at", subject: ySubject, data: replace(y, `"ingested_at":"2025-11-20T06:00:01Z",`, ""), code: "missing", reason: "ingested_at: missing required field"},
		{name: "observed_at in the future", subject: ySubject, data: replace(y, at, `"observed_at":"`+now.Add(24*time.Hour).UTC().Format(time.RFC3339)+`"`), code: "future_time", reason: "observed_at: timestamp too far in the future"},
		{name: "observed_at before 1970", subject: ySubject, data: replace(y, at, `"observed_at":"1969-12-31T23:59:59Z"`), code: "out_of_range", reason: "observed_at: value out of range"},
		{name: "observed_at without zone", subject: ySubject, data: replace(y, at, `"observed_at":"2025-11-20T06:00:00"`), code: "malformed", reason: "parsing time"},
		// An offset is RFC 3339 and names the same instant: the sink stores
		// it at that instant in UTC, under the id the UTC time gives.
		{name: "observed_at with an offset", subject: "cw.events.jgb.yield.7Y", data: replace(o, at, `"observed_at":"2025-11-20T15:00:00+09:00"`)},
		// JSON has no NaN or Infinity: not_finite cannot come from the wire,
		// only from a producer's bug, so these are malformed.
		{name: "NaN literal", subject: ySubject, data: replace(y, "1.86", "NaN"), code: "malformed", reason: "invalid character 'N'"},
		{name: "NaN as a string", subject: ySubject, data: replace(y, "1.86", `"NaN"`), code: "malformed", reason: "cannot unmarshal string"},
		{name: "number beyond float64", subject: ySubject, data: replace(y, "1.86", "1e999"), code: "malformed", reason: "cannot unmarshal number 1e999"},
		{name: "400-digit number", subject: ySubject, data: replace(y, "1.86", strings.Repeat("9", 400)), code: "malformed", reason: "cannot unmarshal number"},
		{name: "yield out of range", subject: ySubject, data: replace(y, "1.86", "188.1"), code: "out_of_range", reason: "yield_pct: value out of range: 188.1"},
		{name: "probability above 1", subject: fSubject, data: replace(replace(f, "0.8", "1.5"), "0.2", "-0.5"), code: "out_of_range", reason: "outcomes.0.probability: value out of range"},
		{name: "probabilities sum to 0.5", subject: fSubject, data: replace(f, "0.8", "0.3"), code: "out_of_range", reason: "probabilities sum to 0.5000, not 1"},
		{name: "outcome twice", subject: fSubject, data: replace(f, `"change_bp":0`, `"change_bp":-25`), code: "bad_format", reason: "-25 appears twice"},
		{name: "no outcomes", subject: fSubject, data: replace(f, `[{"change_bp":-25,"probability":0.8},{"change_bp":0,"probability":0.2}]`, "[]"), code: "missing", reason: "outcomes: missing required field"},
		{name: "meeting not a date", subject: "cw.events.fed.odds.2025-02-30", data: replace(f, `"meeting":"2025-12-10"`, `"meeting":"2025-02-30"`), code: "bad_format", reason: "is not a calendar date"},
		{name: "duplicate key", subject: ySubject, data: replace(y, `"tenor":"10Y"`, `"tenor":"10Y","tenor":"2Y"`), code: "malformed", reason: "malformed message"},
		{name: "unknown field", subject: ySubject, data: replace(y, `"tenor":"10Y"`, `"tenor":"10Y","currency":"JPY"`), code: "malformed", reason: `unknown field "currency"`},
		{name: "field name in other case", subject: ySubject, data: replace(y, `"tenor"`, `"Tenor"`), code: "malformed", reason: "Tenor: malformed message: unknown field"},
		{name: "invalid UTF-8", subject: ySubject, data: replace(y, `"source":"mof"`, "\"source\":\"mo\xff\""), code: "malformed", reason: "malformed message"},
		{name: "nested 20,000 deep", subject: ySubject, data: replace(y, `"tenor":"10Y"`, `"tenor":`+strings.Repeat("[", 20000)+strings.Repeat("]", 20000)), code: "malformed", reason: "exceeded max depth"},
		{name: "number for a string", subject: ySubject, data: replace(y, `"tenor":"10Y"`, `"tenor":10`), code: "malformed", reason: "cannot unmarshal number"},
		{name: "null for a required field", subject: ySubject, data: replace(y, `"tenor":"10Y"`, `"tenor":null`), code: "missing", reason: "tenor: missing required field: null"},
		{name: "1 MB pad field", subject: ySubject, data: replace(y, `"tenor":"10Y"`, `"tenor":"10Y","pad":"`+strings.Repeat("x", 900_000)+`"`),
			code: "malformed", reason: `unknown field "pad"`, truncated: true},
		{name: "1 MB source", subject: ySubject, data: replace(y, `"source":"mof"`, `"source":"`+strings.Repeat("m", 1_000_000)+`"`),
			code: "bad_format", reason: "source", truncated: true},
		{name: "dead letter on cw.events", subject: ySubject, data: d, code: "bad_subject", reason: "cw.dead_letter/v1 belongs on cw.dlq.ingest, not cw.events.jgb.yield.10Y"},
		{name: "10Y yield on the 2Y subject", subject: "cw.events.jgb.yield.2Y", data: y, code: "bad_subject", reason: "belongs on cw.events.jgb.yield.10Y, not cw.events.jgb.yield.2Y"},
	}
}

// Bad inputs of 39 kinds are published among 2,000 valid events. Every
// valid event (and the one odd but valid input) is stored once; every bad
// one is in dead_letters once, with its subject, its sequence, its code,
// its reason and its original bytes; the sink keeps running and its
// consumers ack everything.
func TestPoisonInputsAreDeadLetteredAndTheRestStored(t *testing.T) {
	const n = 2000
	ctx := caseContext(t)
	ns, db, js := startStores(t)
	s := startSink(t, "sink", sinkEnv(ns.URL, db))

	bad := poisons(t, time.Now())
	valid := synthetic(n, 7)
	wantIDs := ids(valid)
	var msgs []outMsg
	index := map[int]int{} // position in msgs → position in bad
	for i, m := range eventMsgs(t, valid) {
		if i%(n/len(bad)) == 0 && len(index) < len(bad) {
			p := bad[len(index)]
			index[len(msgs)] = len(index)
			msgs = append(msgs, outMsg{subject: p.subject, data: []byte(p.data)})
		}
		msgs = append(msgs, m)
	}
	require.Len(t, index, len(bad))
	for _, p := range bad {
		if p.code == "" {
			ev, err := event.Parse([]byte(p.data), time.Now())
			require.NoError(t, err, p.name)
			wantIDs = append(wantIDs, ev.Header().ID)
		}
	}
	seqs, err := publish(ctx, js, msgs, nil, nil)
	require.NoError(t, err)
	published := time.Now()

	waitStored(t, db, eventViews, wantIDs, recoveryBound)
	type deadLetter struct{ subject, code, reason, payload string }
	var want map[uint64]poison
	var got map[uint64]deadLetter
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		want, got = map[uint64]poison{}, map[uint64]deadLetter{}
		for at, i := range index {
			if bad[i].code != "" {
				want[seqs[at]] = bad[i]
			}
		}
		rows, err := db.Conn.Query(ctx, "SELECT original_seq, original_subject, code, reason, payload FROM "+
			db.Database+".v_dead_letters WHERE stage = ?", sink.Stage)
		if !assert.NoError(c, err) {
			return
		}
		defer func() { _ = rows.Close() }()
		for rows.Next() {
			var seq uint64
			var d deadLetter
			if !assert.NoError(c, rows.Scan(&seq, &d.subject, &d.code, &d.reason, &d.payload)) {
				return
			}
			got[seq] = d
		}
		assert.Len(c, got, len(want), "dead letters stored")
	}, recoveryBound, 100*time.Millisecond)
	dead := time.Since(published)
	for seq, p := range want {
		d, ok := got[seq]
		if !assert.True(t, ok, "%s: no dead letter for stream seq %d", p.name, seq) {
			continue
		}
		assert.Equal(t, p.subject, d.subject, p.name)
		assert.Equal(t, p.code, d.code, p.name)
		assert.Contains(t, d.reason, p.reason, p.name)
		if p.truncated {
			sum := sha256.Sum256([]byte(p.data))
			assert.Less(t, len(d.payload), len(p.data), "%s: the dead letter carries a prefix", p.name)
			assert.True(t, strings.HasPrefix(p.data, d.payload), "%s: the dead letter carries a prefix", p.name)
			assert.Contains(t, d.reason, fmt.Sprintf("original %d bytes, sha256 %x", len(p.data), sum), p.name)
		} else {
			assert.Equal(t, p.data, d.payload, "%s: the original bytes", p.name)
		}
	}
	rows, distinct, err := visible(ctx, db, []string{"v_dead_letters"})
	require.NoError(t, err)
	assert.Equal(t, uint64(len(want)), rows, "one dead letter per bad input")
	assert.Equal(t, distinct, rows, "no dead letter twice")

	waitAckFloor(t, js, natsfx.StreamEvents, "sink-events", recoveryBound)
	waitAckFloor(t, js, natsfx.StreamDLQ, "sink-dlq", recoveryBound)
	codes := map[string]int{}
	for _, p := range want {
		codes[p.code]++
	}
	for code, k := range codes {
		assert.Equal(t, float64(k), s.metric(t, "cw_sink_dead_letters_total", "code", code), "dead letters counted as %s", code)
	}
	require.True(t, s.running(), "the sink survived its inputs")
	figure(t, "%d bad inputs (%d codes) among %d valid events: all valid stored once, every bad one dead-lettered once with its code, %s after the last publish",
		len(want), len(codes), len(wantIDs), dead.Round(time.Millisecond))
	s.stop(t)
}
