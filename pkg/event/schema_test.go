package event_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/schemas"
)

// validationTime is the clock every fixture is validated against.
var validationTime = time.Date(2025, 12, 1, 12, 0, 0, 0, time.UTC)

// fixture is one realistic, sealed message of one kind.
type fixture struct {
	name  string
	event event.Event
}

// fixtures returns one or more sealed messages of every kind, built from the
// Nov–Dec 2025 episode (values from public sources: MoF jgbcm.csv,
// CME FedWatch, Farside, the CME Globex halt reports).
func fixtures() []fixture {
	jgb10 := &event.JGBYield{
		// MoF constant-maturity par yield, row R7.12.1 of jgbcm.csv (15:00 JST).
		Meta:     event.Meta{Source: "mof", ObservedAt: time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)},
		Tenor:    "10Y",
		YieldPct: 1.881,
	}
	event.Seal(jgb10, time.Date(2025, 12, 1, 9, 5, 12, 345678901, time.UTC))

	jgb2 := &event.JGBYield{
		Meta:     event.Meta{Source: "mof", ObservedAt: time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)},
		Tenor:    "2Y",
		YieldPct: 1.02,
	}
	event.Seal(jgb2, time.Date(2025, 12, 1, 9, 5, 12, 345678901, time.UTC))

	fed := &event.FedOdds{
		// CME FedWatch for the 10 Dec 2025 FOMC, 21 Nov 2025 11:53 EST.
		Meta:    event.Meta{Source: "cme-fedwatch", ObservedAt: time.Date(2025, 11, 21, 16, 53, 0, 0, time.UTC)},
		Meeting: "2025-12-10",
		Outcomes: []event.Outcome{
			{ChangeBP: -25, Probability: 0.709},
			{ChangeBP: 0, Probability: 0.291},
		},
	}
	event.Seal(fed, time.Date(2025, 11, 21, 16, 53, 2, 0, time.UTC))

	ibit := &event.ETFFlow{
		// Farside: IBIT -237.4 US$ m on 20 Nov 2025, as of the US close.
		Meta:      event.Meta{Source: "farside", ObservedAt: time.Date(2025, 11, 20, 21, 0, 0, 0, time.UTC)},
		Asset:     "BTC",
		Ticker:    "IBIT",
		TradeDate: "2025-11-20",
		FlowUSD:   -237_400_000,
	}
	event.Seal(ibit, time.Date(2025, 11, 21, 8, 30, 0, 0, time.UTC))

	haltStart := time.Date(2025, 11, 28, 2, 40, 0, 0, time.UTC)
	haltOpen := &event.VenueStatus{
		// Declared by hand: CME announced the halt, it was not polled.
		Meta:       event.Meta{Source: "manual", ObservedAt: haltStart},
		Venue:      "cme",
		IncidentID: "cme-2025-11-28-cyrusone-chi1",
		Action:     event.ActionOpen,
		Severity:   event.SeverityHalt,
		Status:     "halted",
		Title:      "Due to a cooling issue at CyrusOne data centers, our markets are currently halted.",
		Components: []string{"Globex", "EBS"},
		StartedAt:  haltStart,
	}
	event.Seal(haltOpen, haltStart.Add(3*time.Second))

	reopen := time.Date(2025, 11, 28, 13, 30, 0, 0, time.UTC)
	haltResolve := &event.VenueStatus{
		Meta:       event.Meta{Source: "manual", ObservedAt: reopen},
		Venue:      "cme",
		IncidentID: "cme-2025-11-28-cyrusone-chi1",
		Action:     event.ActionResolve,
		Severity:   event.SeverityHalt,
		Status:     "resolved",
		Title:      "Globex futures and options reopened at 7:30 a.m. CT.",
		Components: []string{"Globex"},
		StartedAt:  haltStart,
		ResolvedAt: &reopen,
	}
	event.Seal(haltResolve, reopen.Add(2*time.Second))

	// The ETF cost basis the model put at about $89.6k that week.
	jgb10Raw, flowRaw, costBasis := 1.807, -903e6, 89_600.0
	score := &event.RiskScore{
		Meta:   event.Meta{Source: "carrywatch", ObservedAt: haltStart},
		Index:  62.4,
		Regime: event.RegimeElevated,
		Blocks: []event.Block{
			{Name: "carry", Score: 0.71, Contribution: 18.3, Freshness: 0.94},
			{Name: "fed_path", Score: 0.64, Contribution: 9.1, Freshness: 1},
			{Name: "etf_flows", Score: 0.82, Contribution: 21.7, Freshness: 0.97},
			{Name: "infrastructure", Score: 0.6, Contribution: 13.3, Freshness: 1},
		},
		Components: []event.Component{
			{Name: "jgb_level", Block: "carry", Raw: &jgb10Raw, Score: 0.88,
				AsOf: time.Date(2025, 11, 27, 6, 0, 0, 0, time.UTC), AgeSeconds: 74400, Confidence: 1},
			{Name: "flow_intensity", Block: "etf_flows", Raw: &flowRaw, Score: 0.82,
				AsOf: time.Date(2025, 11, 20, 21, 0, 0, 0, time.UTC), AgeSeconds: 625200, Confidence: 0.97},
			{Name: "venue_availability", Block: "infrastructure", Score: 0.6,
				AsOf: haltStart, AgeSeconds: 0, Confidence: 1},
		},
		Triggers:        []string{"VENUE_DOWN"},
		Drivers:         []string{"etf_flows", "carry", "infrastructure"},
		ModelVersion:    "clri-v1.0.0",
		CalibrationHash: "sha256:4f2a9c0d1e7b",
		Watermark:       event.Watermark{StreamSeq: 48213, EventTime: haltStart},
		ETFCostBasisUSD: &costBasis,
	}
	event.Seal(score, haltStart.Add(150*time.Microsecond))

	// A calm print with nothing active: Go writes the empty lists as null,
	// and leaves out the ETF cost basis, unknown here, as prints from
	// before the field did.
	calm := &event.RiskScore{
		Meta:            event.Meta{Source: "carrywatch", ObservedAt: time.Date(2025, 10, 31, 6, 0, 0, 0, time.UTC)},
		Index:           21.5,
		Regime:          event.RegimeCalm,
		ModelVersion:    "clri-v1.0.0",
		CalibrationHash: "sha256:4f2a9c0d1e7b",
		Watermark:       event.Watermark{StreamSeq: 1, EventTime: time.Date(2025, 10, 31, 6, 0, 0, 0, time.UTC)},
	}
	event.Seal(calm, time.Date(2025, 10, 31, 6, 0, 0, 0, time.UTC))

	// E1 venue availability during the CME halt: Globex weight 0.6 × halt.
	e1Raw := 0.6
	e1 := &event.RiskComponent{
		Meta: event.Meta{Source: "carrywatch", ObservedAt: haltStart},
		Component: event.Component{Name: "E1", Block: "E", Raw: &e1Raw, Score: 0.6,
			AsOf: haltStart, AgeSeconds: 0, Confidence: 1},
		ModelVersion:    "clri-v1",
		CalibrationHash: "sha256:4f2a9c0d1e7b",
		Watermark:       event.Watermark{StreamSeq: 48213, EventTime: haltStart},
	}
	event.Seal(e1, haltStart.Add(150*time.Microsecond))

	// Ten quiet minutes into the halt: event time advances with no input.
	beatAt := time.Date(2025, 11, 28, 2, 50, 0, 0, time.UTC)
	beat := &event.Heartbeat{Meta: event.Meta{Source: "carrywatch", ObservedAt: beatAt, IngestedAt: beatAt}}
	event.Seal(beat, beatAt)

	// A yield written in basis points instead of percent, rejected by the sink.
	bad := &event.JGBYield{
		Meta:     event.Meta{Source: "mof", ObservedAt: time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)},
		Tenor:    "10Y",
		YieldPct: 188.1,
	}
	event.Seal(bad, time.Date(2025, 12, 1, 9, 5, 12, 0, time.UTC))
	payload, err := event.Marshal(bad)
	if err != nil {
		panic(err) // a fixture that cannot be built is a bug in this file
	}
	_, rejection := event.Parse(payload, validationTime)
	dead := event.NewDeadLetter("sink", bad.Subject(), payload, 48214, rejection,
		time.Date(2025, 12, 1, 9, 5, 12, 512_000_000, time.UTC), time.Date(2025, 12, 1, 9, 5, 12, 512_000_000, time.UTC))

	// The same rejection padded to 1.5 MB: cut to fit the NATS max_payload.
	padded := append(bytes.Repeat([]byte(" "), 1_500_000), payload...)
	cut := event.NewDeadLetter("sink", bad.Subject(), padded, 48215, errors.New("pad: malformed message"),
		time.Date(2025, 12, 1, 9, 5, 13, 0, time.UTC), time.Date(2025, 12, 1, 9, 5, 13, 0, time.UTC))

	usdjpy := &event.MarketQuote{
		// FRED DEXJPUS for 20 Nov 2025: the noon New York buying rate.
		Meta:       event.Meta{Source: "fred", ObservedAt: time.Date(2025, 11, 20, 17, 0, 0, 0, time.UTC)},
		Instrument: event.InstrumentUSDJPY,
		Value:      157.41,
		Unit:       event.UnitJPYPerUSD,
		Kind:       event.QuoteFixing,
	}
	event.Seal(usdjpy, time.Date(2025, 11, 21, 14, 0, 0, 0, time.UTC))
	btc := &event.MarketQuote{
		// FRED CBBTCUSD for 21 Nov 2025 (Coinbase, 00:00 UTC close).
		Meta:       event.Meta{Source: "fred", ObservedAt: time.Date(2025, 11, 22, 0, 0, 0, 0, time.UTC)},
		Instrument: event.InstrumentBTCUSD,
		Value:      84826,
		Unit:       event.UnitUSD,
		Kind:       event.QuoteClose,
	}
	event.Seal(btc, time.Date(2025, 11, 22, 14, 0, 0, 0, time.UTC))
	crossed := &event.MarketQuote{
		// USDJPY crossed from the ECB's EURJPY and EURUSD reference rates.
		Meta:        event.Meta{Source: "ecb", ObservedAt: time.Date(2025, 11, 20, 13, 15, 0, 0, time.UTC)},
		Instrument:  event.InstrumentUSDJPY,
		Value:       157.2,
		Unit:        event.UnitJPYPerUSD,
		Kind:        event.QuoteFixing,
		DerivedFrom: "EURJPY/EURUSD",
	}
	event.Seal(crossed, time.Date(2025, 11, 20, 15, 0, 0, 0, time.UTC))

	return []fixture{
		{name: "jgb yield 10Y", event: jgb10},
		{name: "jgb yield 2Y", event: jgb2},
		{name: "fed odds", event: fed},
		{name: "etf flow", event: ibit},
		{name: "market quote USDJPY", event: usdjpy},
		{name: "market quote BTC-USD", event: btc},
		{name: "market quote crossed", event: crossed},
		{name: "venue status open", event: haltOpen},
		{name: "venue status resolve", event: haltResolve},
		{name: "risk score", event: score},
		{name: "risk score calm", event: calm},
		{name: "dead letter", event: dead},
		{name: "dead letter truncated", event: cut},
		{name: "risk component", event: e1},
		{name: "heartbeat", event: beat},
	}
}

// fixtureOf returns the first fixture of a schema.
func fixtureOf(t testing.TB, schema string) event.Event {
	t.Helper()
	for _, f := range fixtures() {
		if f.event.SchemaName() == schema {
			return f.event
		}
	}
	require.FailNow(t, "no fixture", schema)
	return nil
}

// compiled returns every compiled schema, keyed by schema name.
func compiled(t testing.TB) map[string]*jsonschema.Schema {
	t.Helper()
	sch, err := event.CompileSchemas()
	require.NoError(t, err)
	return sch
}

// schemaValidate validates data against the compiled schema of name.
func schemaValidate(t testing.TB, sch map[string]*jsonschema.Schema, name string, data []byte) error {
	t.Helper()
	require.Contains(t, sch, name)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return sch[name].Validate(doc)
}

func TestSchemaFile(t *testing.T) {
	tests := []struct {
		schema string
		want   string
	}{
		{schema: event.SchemaJGBYield, want: "events/jgb_yield/v1/jgb_yield.json"},
		{schema: event.SchemaFedOdds, want: "events/fed_odds/v1/fed_odds.json"},
		{schema: event.SchemaETFFlow, want: "events/etf_flow/v1/etf_flow.json"},
		{schema: event.SchemaVenueStatus, want: "events/venue_status/v1/venue_status.json"},
		{schema: event.SchemaRiskScore, want: "events/risk_score/v1/risk_score.json"},
		{schema: event.SchemaDeadLetter, want: "events/dead_letter/v1/dead_letter.json"},
		{schema: event.SchemaHeartbeat, want: "events/heartbeat/v1/heartbeat.json"},
		{schema: event.SchemaRiskComponent, want: "events/risk_component/v1/risk_component.json"},
		{schema: "cw.jgb.yield/v2", want: ""},
		{schema: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			assert.Equal(t, tt.want, event.SchemaFile(tt.schema))
		})
	}
}

// TestSchemaFilesMatchSchemas checks that every schema name has its file and
// that no schema file is an orphan: the only other file is the shared header.
func TestSchemaFilesMatchSchemas(t *testing.T) {
	var got []string
	err := fs.WalkDir(schemas.Events, "events", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".json" {
			got = append(got, p)
		}
		return err
	})
	require.NoError(t, err)

	want := []string{"events/meta/v1/meta.json"}
	for _, name := range event.Schemas() {
		want = append(want, event.SchemaFile(name))
	}
	assert.ElementsMatch(t, want, got)

	sch := compiled(t)
	assert.Len(t, sch, len(event.Schemas()))
	for _, name := range event.Schemas() {
		assert.Contains(t, sch, name)
	}
}

// TestSchemaFieldsMatchStructs checks, object by object, that each schema
// declares exactly the JSON fields of its Go struct, requires exactly those
// not tagged omitempty, and rejects additional properties.
func TestSchemaFieldsMatchStructs(t *testing.T) {
	for _, name := range event.Schemas() {
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(schemas.Events, event.SchemaFile(name))
			require.NoError(t, err)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(data, &doc))
			e, err := event.New(name)
			require.NoError(t, err)

			assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", doc["$schema"])
			assert.Equal(t, event.SchemaBaseURL+event.SchemaFile(name), doc["$id"])
			assert.NotEmpty(t, doc["title"])
			assert.NotEmpty(t, doc["description"])
			assert.Equal(t, name, doc["properties"].(map[string]any)["schema"].(map[string]any)["const"])
			assertObjectMatches(t, doc, doc, reflect.TypeOf(e).Elem(), "")
		})
	}
}

// assertObjectMatches compares one object schema with one struct type and
// recurses into nested structs and slices of structs.
func assertObjectMatches(t *testing.T, root, obj map[string]any, typ reflect.Type, at string) {
	t.Helper()
	props, _ := obj["properties"].(map[string]any)
	var required []string
	for _, r := range obj["required"].([]any) {
		required = append(required, r.(string))
	}
	var wantAll, wantRequired []string
	for _, f := range structFields(typ) {
		wantAll = append(wantAll, f.Name)
		if !f.OmitEmpty {
			wantRequired = append(wantRequired, f.Name)
		}
		prop, ok := props[f.Name].(map[string]any)
		if !assert.True(t, ok, "%s%s: no property", at, f.Name) {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == reflect.TypeOf(time.Time{}):
		case ft.Kind() == reflect.Struct:
			assertObjectMatches(t, root, resolveLocal(t, root, prop), ft, at+f.Name+".")
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			items := resolveLocal(t, root, prop["items"].(map[string]any))
			assertObjectMatches(t, root, items, ft.Elem(), at+f.Name+"[].")
		}
	}
	assert.ElementsMatch(t, wantAll, slices.Collect(maps.Keys(props)), "%sproperties", at)
	assert.ElementsMatch(t, wantRequired, required, "%srequired", at)
	assert.Equal(t, false, obj["additionalProperties"], "%sadditionalProperties", at)
}

// resolveLocal follows a "#/$defs/x" reference inside the same document.
func resolveLocal(t *testing.T, root, s map[string]any) map[string]any {
	t.Helper()
	ref, ok := s["$ref"].(string)
	if !ok {
		return s
	}
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	require.True(t, ok, "unexpected $ref %s", ref)
	def, ok := root["$defs"].(map[string]any)[name].(map[string]any)
	require.True(t, ok, "no $defs/%s", name)
	return def
}

// structField is one JSON field of a Go struct.
type structField struct {
	Name      string
	OmitEmpty bool
	Type      reflect.Type
}

// structFields lists the JSON fields of a struct, flattening embedded ones.
func structFields(typ reflect.Type) []structField {
	var out []structField
	for i := range typ.NumField() {
		sf := typ.Field(i)
		tag := sf.Tag.Get("json")
		if sf.Anonymous && tag == "" {
			out = append(out, structFields(sf.Type)...)
			continue
		}
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		out = append(out, structField{
			Name:      name,
			OmitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty"),
			Type:      sf.Type,
		})
	}
	return out
}

// TestFixturesMatchSchemas is the drift test: every kind's Go encoding is
// valid under its JSON Schema, parses, and round-trips to an equal value.
func TestFixturesMatchSchemas(t *testing.T) {
	sch := compiled(t)
	covered := map[string]bool{}
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			covered[f.event.SchemaName()] = true
			data, err := event.Marshal(f.event)
			require.NoError(t, err)

			assert.NoError(t, schemaValidate(t, sch, f.event.SchemaName(), data), "%s", data)

			got, err := event.Parse(data, validationTime)
			require.NoError(t, err, "%s", data)
			assert.Equal(t, f.event, got)
			assert.Equal(t, f.event.Subject(), got.Subject())
			assert.Equal(t, event.SchemaForSubject(got.Subject()), got.SchemaName())
		})
	}
	for _, name := range event.Schemas() {
		assert.True(t, covered[name], "no fixture of %s", name)
	}
}

// TestObservedAtFloor checks that the JSON Schema and Parse both accept
// observation times from event.MinObservedAt, the Unix epoch, on.
func TestObservedAtFloor(t *testing.T) {
	sch := compiled(t)
	for _, at := range []time.Time{
		event.MinObservedAt,
		time.Date(1974, 9, 24, 6, 0, 0, 0, time.UTC), // MoF's first JGB row, S49.9.24
		time.Date(1989, 12, 29, 6, 0, 0, 0, time.UTC),
	} {
		t.Run(at.Format(time.RFC3339), func(t *testing.T) {
			y := &event.JGBYield{
				Meta:     event.Meta{Source: "mof", ObservedAt: at},
				Tenor:    "10Y",
				YieldPct: 8.5,
			}
			event.Seal(y, validationTime)
			data, err := event.Marshal(y)
			require.NoError(t, err)
			assert.NoError(t, schemaValidate(t, sch, event.SchemaJGBYield, data), "%s", data)
			got, err := event.Parse(data, validationTime)
			require.NoError(t, err, "%s", data)
			assert.True(t, at.Equal(got.Header().ObservedAt), "%s", data)
		})
	}
}

// TestFixtureValues pins the encoding of the fixtures: units, UTC
// milliseconds and ids are what consumers see on the wire.
func TestFixtureValues(t *testing.T) {
	tests := []struct {
		name    string
		schema  string
		want    map[string]any
		wantSub string
	}{
		{
			name:   "jgb yield 10Y",
			schema: event.SchemaJGBYield,
			want: map[string]any{
				"schema": "cw.jgb.yield/v1", "source": "mof", "tenor": "10Y", "yield_pct": 1.881,
				"observed_at": "2025-12-01T06:00:00Z", "ingested_at": "2025-12-01T09:05:12.345Z",
			},
			wantSub: "cw.events.jgb.yield.10Y",
		},
		{
			name:   "etf flow",
			schema: event.SchemaETFFlow,
			want: map[string]any{
				"asset": "BTC", "ticker": "IBIT", "trade_date": "2025-11-20", "flow_usd": -237400000.0,
			},
			wantSub: "cw.events.etf.flow.IBIT",
		},
		{
			name:    "fed odds",
			schema:  event.SchemaFedOdds,
			want:    map[string]any{"meeting": "2025-12-10", "observed_at": "2025-11-21T16:53:00Z"},
			wantSub: "cw.events.fed.odds.2025-12-10",
		},
		{
			name:    "venue status",
			schema:  event.SchemaVenueStatus,
			want:    map[string]any{"venue": "cme", "action": "open", "severity": "halt", "started_at": "2025-11-28T02:40:00Z"},
			wantSub: "cw.events.venue.status.cme",
		},
		{
			name:    "risk score",
			schema:  event.SchemaRiskScore,
			want:    map[string]any{"index": 62.4, "regime": "elevated", "ingested_at": "2025-11-28T02:40:00Z", "etf_cost_basis_usd": 89600.0},
			wantSub: "cw.risk.score",
		},
		{
			name:    "dead letter",
			schema:  event.SchemaDeadLetter,
			want:    map[string]any{"stage": "sink", "code": "out_of_range", "original_subject": "cw.events.jgb.yield.10Y", "reason": "yield_pct: value out of range: 188.1 is outside [-10, 30]"},
			wantSub: "cw.dlq.sink",
		},
		{
			name:   "risk component",
			schema: event.SchemaRiskComponent,
			want: map[string]any{
				"schema": "cw.risk.component/v1", "source": "carrywatch", "name": "E1", "block": "E",
				"raw": 0.6, "score": 0.6, "as_of": "2025-11-28T02:40:00Z", "age_seconds": 0.0, "confidence": 1.0,
				"model_version": "clri-v1", "calibration_hash": "sha256:4f2a9c0d1e7b",
				"watermark":   map[string]any{"stream_seq": 48213.0, "event_time": "2025-11-28T02:40:00Z"},
				"observed_at": "2025-11-28T02:40:00Z", "ingested_at": "2025-11-28T02:40:00Z",
			},
			wantSub: "cw.risk.component.E1",
		},
		{
			name:   "heartbeat",
			schema: event.SchemaHeartbeat,
			want: map[string]any{
				"schema": "cw.heartbeat/v1", "source": "carrywatch",
				"observed_at": "2025-11-28T02:50:00Z", "ingested_at": "2025-11-28T02:50:00Z",
			},
			wantSub: "cw.events.heartbeat",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fixtureOf(t, tt.schema)
			data, err := event.Marshal(e)
			require.NoError(t, err)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(data, &doc))
			for k, v := range tt.want {
				assert.Equal(t, v, doc[k], k)
			}
			m := e.Header()
			assert.Equal(t, event.NewID(m.Source, e.Key(), m.ObservedAt), doc["id"])
			assert.Equal(t, tt.wantSub, e.Subject())
		})
	}
}

// mutation changes one decoded document and says how Parse must fail.
type mutation struct {
	name      string
	mutate    func(doc map[string]any)
	wantErr   error
	wantField string
	// schemaAccepts marks a rule JSON Schema cannot express (a relation
	// between fields); the schema's description states it.
	schemaAccepts bool
}

func del(key string) func(map[string]any) {
	return func(doc map[string]any) { delete(doc, key) }
}

func set(key string, v any) func(map[string]any) {
	return func(doc map[string]any) { doc[key] = v }
}

// in applies change to the i-th element of the array under key.
func in(key string, i int, change func(map[string]any)) func(map[string]any) {
	return func(doc map[string]any) { change(doc[key].([]any)[i].(map[string]any)) }
}

// rename moves a value to a key that differs only in case.
func rename(from, to string) func(map[string]any) {
	return func(doc map[string]any) { doc[to] = doc[from]; delete(doc, from) }
}

// commonMutations break the fields every kind shares.
func commonMutations() []mutation {
	return []mutation{
		{name: "missing schema", mutate: del("schema"), wantErr: event.ErrMissing, wantField: "schema"},
		{name: "missing id", mutate: del("id"), wantErr: event.ErrMissing, wantField: "id"},
		{name: "missing source", mutate: del("source"), wantErr: event.ErrMissing, wantField: "source"},
		{name: "missing observed_at", mutate: del("observed_at"), wantErr: event.ErrMissing, wantField: "observed_at"},
		{name: "missing ingested_at", mutate: del("ingested_at"), wantErr: event.ErrMissing, wantField: "ingested_at"},
		{name: "id upper case", mutate: func(d map[string]any) { d["id"] = strings.ToUpper(d["id"].(string)) },
			wantErr: event.ErrBadFormat, wantField: "id"},
		{name: "source with space", mutate: set("source", "Mo F"), wantErr: event.ErrBadFormat, wantField: "source"},
		{name: "observed_at before the epoch", mutate: set("observed_at", "1969-12-31T23:59:59Z"), wantErr: event.ErrOutOfRange, wantField: "observed_at"},
		// The pattern reads the year as written; the instant is 1969-12-31T23:30:00Z.
		{name: "observed_at before the epoch with an offset", mutate: set("observed_at", "1970-01-01T00:30:00+01:00"), wantErr: event.ErrOutOfRange, wantField: "observed_at", schemaAccepts: true},
		{name: "observed_at not RFC 3339", mutate: set("observed_at", "2025-12-01 06:00:00Z"), wantErr: event.ErrMalformed},
		{name: "ingested_at with 24h offset", mutate: set("ingested_at", "2025-11-20T06:00:00+24:00"), wantErr: event.ErrBadFormat, wantField: "ingested_at"},
		{name: "extra property", mutate: set("comment", "x"), wantErr: event.ErrMalformed},
		{name: "key in other case", mutate: rename("source", "Source"), wantErr: event.ErrMalformed, wantField: "Source"},
	}
}

// assertRejected applies each mutation to the fixture of schema and checks
// that both the JSON Schema and event.Parse reject the result (Parse with the
// wanted sentinel and field), except where the rule is not expressible in
// JSON Schema.
func assertRejected(t *testing.T, schema string, tests []mutation) {
	t.Helper()
	sch := compiled(t)
	data, err := event.Marshal(fixtureOf(t, schema))
	require.NoError(t, err)
	// A kind's own mutation replaces the common one of the same name.
	common := slices.DeleteFunc(commonMutations(), func(c mutation) bool {
		return slices.ContainsFunc(tests, func(m mutation) bool { return m.name == c.name })
	})
	for _, tt := range append(common, tests...) {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			require.NoError(t, dec.Decode(&doc))
			tt.mutate(doc)
			mutated, err := json.Marshal(doc)
			require.NoError(t, err)

			if tt.schemaAccepts {
				assert.NoError(t, schemaValidate(t, sch, schema, mutated))
			} else {
				assert.Error(t, schemaValidate(t, sch, schema, mutated), "schema accepted %s", mutated)
			}

			_, err = event.Parse(mutated, validationTime)
			require.Error(t, err, "Parse accepted %s", mutated)
			assert.ErrorIs(t, err, tt.wantErr)
			var ve *event.ValidationError
			require.True(t, errors.As(err, &ve))
			if tt.wantField != "" {
				assert.Equal(t, tt.wantField, ve.Field)
			}
		})
	}
}

func TestRejectJGBYield(t *testing.T) {
	assertRejected(t, event.SchemaJGBYield, []mutation{
		{name: "missing tenor", mutate: del("tenor"), wantErr: event.ErrMissing, wantField: "tenor"},
		{name: "missing yield_pct", mutate: del("yield_pct"), wantErr: event.ErrMissing, wantField: "yield_pct"},
		{name: "null yield_pct", mutate: set("yield_pct", nil), wantErr: event.ErrMissing, wantField: "yield_pct"},
		{name: "yield_pct above 30", mutate: set("yield_pct", 188.1), wantErr: event.ErrOutOfRange, wantField: "yield_pct"},
		{name: "yield_pct below -10", mutate: set("yield_pct", -10.5), wantErr: event.ErrOutOfRange, wantField: "yield_pct"},
		{name: "yield_pct as string", mutate: set("yield_pct", "1.881"), wantErr: event.ErrMalformed},
		{name: "tenor lower case", mutate: set("tenor", "10y"), wantErr: event.ErrBadFormat, wantField: "tenor"},
		{name: "tenor 100Y", mutate: set("tenor", "100Y"), wantErr: event.ErrBadFormat, wantField: "tenor"},
		{name: "wrong schema", mutate: set("schema", event.SchemaFedOdds), wantErr: event.ErrMalformed},
	})
}

func TestRejectFedOdds(t *testing.T) {
	assertRejected(t, event.SchemaFedOdds, []mutation{
		{name: "missing meeting", mutate: del("meeting"), wantErr: event.ErrMissing, wantField: "meeting"},
		{name: "missing outcomes", mutate: del("outcomes"), wantErr: event.ErrMissing, wantField: "outcomes"},
		{name: "empty outcomes", mutate: set("outcomes", []any{}), wantErr: event.ErrMissing, wantField: "outcomes"},
		{name: "meeting not a date", mutate: set("meeting", "2025-12-32"), wantErr: event.ErrBadFormat, wantField: "meeting"},
		{name: "meeting other form", mutate: set("meeting", "10 Dec 2025"), wantErr: event.ErrBadFormat, wantField: "meeting"},
		{name: "missing change_bp", mutate: in("outcomes", 0, del("change_bp")), wantErr: event.ErrMissing, wantField: "outcomes.0.change_bp"},
		{name: "missing probability", mutate: in("outcomes", 1, del("probability")), wantErr: event.ErrMissing, wantField: "outcomes.1.probability"},
		{name: "probability above 1", mutate: in("outcomes", 0, set("probability", 70.9)), wantErr: event.ErrOutOfRange, wantField: "outcomes.0.probability"},
		{name: "change_bp beyond 500", mutate: in("outcomes", 0, set("change_bp", -525)), wantErr: event.ErrOutOfRange, wantField: "outcomes.0.change_bp"},
		{name: "change_bp fractional", mutate: in("outcomes", 0, set("change_bp", -12.5)), wantErr: event.ErrMalformed},
		{name: "change_bp twice", mutate: in("outcomes", 1, set("change_bp", -25)), wantErr: event.ErrBadFormat, wantField: "outcomes.1.change_bp", schemaAccepts: true},
		{name: "probabilities sum to 0.9", mutate: in("outcomes", 0, set("probability", 0.609)), wantErr: event.ErrOutOfRange, wantField: "outcomes", schemaAccepts: true},
		{name: "extra outcome property", mutate: in("outcomes", 0, set("label", "cut")), wantErr: event.ErrMalformed},
		{name: "outcome key in other case", mutate: in("outcomes", 0, rename("probability", "Probability")), wantErr: event.ErrMalformed, wantField: "outcomes.0.Probability"},
	})
}

func TestRejectETFFlow(t *testing.T) {
	assertRejected(t, event.SchemaETFFlow, []mutation{
		{name: "missing asset", mutate: del("asset"), wantErr: event.ErrMissing, wantField: "asset"},
		{name: "missing ticker", mutate: del("ticker"), wantErr: event.ErrMissing, wantField: "ticker"},
		{name: "missing trade_date", mutate: del("trade_date"), wantErr: event.ErrMissing, wantField: "trade_date"},
		{name: "missing flow_usd", mutate: del("flow_usd"), wantErr: event.ErrMissing, wantField: "flow_usd"},
		{name: "flow_usd beyond 1e11", mutate: set("flow_usd", -1.5e11), wantErr: event.ErrOutOfRange, wantField: "flow_usd"},
		{name: "negative aum_usd", mutate: set("aum_usd", -1), wantErr: event.ErrOutOfRange, wantField: "aum_usd"},
		{name: "null aum_usd", mutate: set("aum_usd", nil), wantErr: event.ErrBadFormat, wantField: "aum_usd"},
		{name: "ticker lower case", mutate: set("ticker", "ibit"), wantErr: event.ErrBadFormat, wantField: "ticker"},
		{name: "trade_date Farside form", mutate: set("trade_date", "20 Nov 2025"), wantErr: event.ErrBadFormat, wantField: "trade_date"},
	})
}

func TestRejectVenueStatus(t *testing.T) {
	assertRejected(t, event.SchemaVenueStatus, []mutation{
		{name: "observed_at before the epoch", mutate: func(d map[string]any) {
			d["observed_at"], d["started_at"] = "1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"
		}, wantErr: event.ErrOutOfRange, wantField: "observed_at"},
		{name: "observed_at before the epoch with an offset", mutate: func(d map[string]any) {
			d["observed_at"], d["started_at"] = "1970-01-01T00:30:00+01:00", "1970-01-01T00:30:00+01:00"
		}, wantErr: event.ErrOutOfRange, wantField: "observed_at", schemaAccepts: true},
		{name: "started_at after observed_at", mutate: set("started_at", "2025-11-28T02:41:00Z"), wantErr: event.ErrOutOfRange, wantField: "started_at", schemaAccepts: true},
		{name: "missing venue", mutate: del("venue"), wantErr: event.ErrMissing, wantField: "venue"},
		{name: "missing incident_id", mutate: del("incident_id"), wantErr: event.ErrMissing, wantField: "incident_id"},
		{name: "missing action", mutate: del("action"), wantErr: event.ErrMissing, wantField: "action"},
		{name: "missing severity", mutate: del("severity"), wantErr: event.ErrMissing, wantField: "severity"},
		{name: "missing started_at", mutate: del("started_at"), wantErr: event.ErrMissing, wantField: "started_at"},
		{name: "resolve without resolved_at", mutate: set("action", "resolve"), wantErr: event.ErrMissing, wantField: "resolved_at"},
		{name: "unknown severity", mutate: set("severity", "critical"), wantErr: event.ErrBadFormat, wantField: "severity"},
		{name: "unknown action", mutate: set("action", "close"), wantErr: event.ErrBadFormat, wantField: "action"},
		{name: "venue upper case", mutate: set("venue", "CME"), wantErr: event.ErrBadFormat, wantField: "venue"},
		{name: "incident_id too long", mutate: set("incident_id", strings.Repeat("x", 129)), wantErr: event.ErrOutOfRange, wantField: "incident_id"},
		{name: "started_at lower-case t", mutate: set("started_at", "2025-11-28t02:40:00Z"), wantErr: event.ErrMalformed},
		{name: "components not strings", mutate: set("components", []any{1}), wantErr: event.ErrMalformed},
	})
}

func TestRejectRiskScore(t *testing.T) {
	assertRejected(t, event.SchemaRiskScore, []mutation{
		{name: "missing index", mutate: del("index"), wantErr: event.ErrMissing, wantField: "index"},
		{name: "missing regime", mutate: del("regime"), wantErr: event.ErrMissing, wantField: "regime"},
		{name: "missing blocks", mutate: del("blocks"), wantErr: event.ErrMissing, wantField: "blocks"},
		{name: "missing triggers", mutate: del("triggers"), wantErr: event.ErrMissing, wantField: "triggers"},
		{name: "missing watermark", mutate: del("watermark"), wantErr: event.ErrMissing, wantField: "watermark"},
		{name: "missing watermark stream_seq", mutate: func(d map[string]any) { delete(d["watermark"].(map[string]any), "stream_seq") },
			wantErr: event.ErrMissing, wantField: "watermark.stream_seq"},
		{name: "missing model_version", mutate: del("model_version"), wantErr: event.ErrMissing, wantField: "model_version"},
		{name: "empty calibration_hash", mutate: set("calibration_hash", ""), wantErr: event.ErrMissing, wantField: "calibration_hash"},
		{name: "index above 100", mutate: set("index", 100.5), wantErr: event.ErrOutOfRange, wantField: "index"},
		{name: "unknown regime", mutate: set("regime", "panic"), wantErr: event.ErrBadFormat, wantField: "regime"},
		{name: "block score above 1", mutate: in("blocks", 2, set("score", 1.2)), wantErr: event.ErrOutOfRange, wantField: "blocks.2.score"},
		{name: "block without name", mutate: in("blocks", 0, del("name")), wantErr: event.ErrMissing, wantField: "blocks.0.name"},
		{name: "block without freshness", mutate: in("blocks", 1, del("freshness")), wantErr: event.ErrMissing, wantField: "blocks.1.freshness"},
		{name: "component confidence negative", mutate: in("components", 1, set("confidence", -0.1)), wantErr: event.ErrOutOfRange, wantField: "components.1.confidence"},
		{name: "component raw beyond 1e15", mutate: in("components", 0, set("raw", 2e15)), wantErr: event.ErrOutOfRange, wantField: "components.0.raw"},
		{name: "component without as_of", mutate: in("components", 2, del("as_of")), wantErr: event.ErrMissing, wantField: "components.2.as_of"},
		{name: "extra component property", mutate: in("components", 0, set("weight", 0.5)), wantErr: event.ErrMalformed},
		{name: "zero etf_cost_basis_usd", mutate: set("etf_cost_basis_usd", 0), wantErr: event.ErrOutOfRange, wantField: "etf_cost_basis_usd"},
		{name: "negative etf_cost_basis_usd", mutate: set("etf_cost_basis_usd", -89600), wantErr: event.ErrOutOfRange, wantField: "etf_cost_basis_usd"},
		{name: "null etf_cost_basis_usd", mutate: set("etf_cost_basis_usd", nil), wantErr: event.ErrBadFormat, wantField: "etf_cost_basis_usd"},
		{name: "etf_cost_basis_usd as string", mutate: set("etf_cost_basis_usd", "89600"), wantErr: event.ErrMalformed},
	})
}

func TestRejectDeadLetter(t *testing.T) {
	assertRejected(t, event.SchemaDeadLetter, []mutation{
		{name: "missing stage", mutate: del("stage"), wantErr: event.ErrMissing, wantField: "stage"},
		{name: "missing reason", mutate: del("reason"), wantErr: event.ErrMissing, wantField: "reason"},
		{name: "missing code", mutate: del("code"), wantErr: event.ErrMissing, wantField: "code"},
		{name: "missing payload", mutate: del("payload"), wantErr: event.ErrMissing, wantField: "payload"},
		{name: "stage with dot", mutate: set("stage", "sink.jgb"), wantErr: event.ErrBadFormat, wantField: "stage"},
		{name: "payload not base64", mutate: set("payload", "{not base64}"), wantErr: event.ErrMalformed},
		{name: "negative stream_seq", mutate: set("stream_seq", -1), wantErr: event.ErrMalformed},
		{name: "original_size without truncated", mutate: func(d map[string]any) {
			d["original_size"], d["original_sha256"] = 1_500_000, strings.Repeat("ab", 32)
		}, wantErr: event.ErrMissing, wantField: "truncated"},
		{name: "original_size not truncated", mutate: func(d map[string]any) {
			d["truncated"], d["original_size"], d["original_sha256"] = false, 1_500_000, strings.Repeat("ab", 32)
		}, wantErr: event.ErrMissing, wantField: "truncated", schemaAccepts: true},
		{name: "truncated without original_size", mutate: func(d map[string]any) {
			d["truncated"], d["original_sha256"] = true, strings.Repeat("ab", 32)
		}, wantErr: event.ErrMissing, wantField: "original_size"},
		{name: "truncated without original_sha256", mutate: func(d map[string]any) {
			d["truncated"], d["original_size"] = true, 1_500_000
		}, wantErr: event.ErrMissing, wantField: "original_sha256"},
		{name: "original_sha256 upper case", mutate: func(d map[string]any) {
			d["truncated"], d["original_size"], d["original_sha256"] = true, 1_500_000, strings.Repeat("AB", 32)
		}, wantErr: event.ErrBadFormat, wantField: "original_sha256"},
		{name: "original_size not above the payload's", mutate: func(d map[string]any) {
			d["truncated"], d["original_size"], d["original_sha256"] = true, 3, strings.Repeat("ab", 32)
		}, wantErr: event.ErrOutOfRange, wantField: "original_size", schemaAccepts: true},
		{name: "truncated as string", mutate: set("truncated", "true"), wantErr: event.ErrMalformed},
	})
}

func TestRejectRiskComponent(t *testing.T) {
	assertRejected(t, event.SchemaRiskComponent, []mutation{
		{name: "missing name", mutate: del("name"), wantErr: event.ErrMissing, wantField: "name"},
		{name: "empty name", mutate: set("name", ""), wantErr: event.ErrMissing, wantField: "name"},
		{name: "name with dot", mutate: set("name", "E1.venue"), wantErr: event.ErrBadFormat, wantField: "name"},
		{name: "name with wildcard", mutate: set("name", "E*"), wantErr: event.ErrBadFormat, wantField: "name"},
		{name: "name longer than 64", mutate: set("name", strings.Repeat("E", 65)), wantErr: event.ErrBadFormat, wantField: "name"},
		{name: "missing block", mutate: del("block"), wantErr: event.ErrMissing, wantField: "block"},
		{name: "null block", mutate: set("block", nil), wantErr: event.ErrMissing, wantField: "block"},
		{name: "missing score", mutate: del("score"), wantErr: event.ErrMissing, wantField: "score"},
		{name: "score above 1", mutate: set("score", 1.2), wantErr: event.ErrOutOfRange, wantField: "score"},
		{name: "score negative", mutate: set("score", -0.1), wantErr: event.ErrOutOfRange, wantField: "score"},
		{name: "score as string", mutate: set("score", "0.6"), wantErr: event.ErrMalformed},
		{name: "null raw", mutate: set("raw", nil), wantErr: event.ErrBadFormat, wantField: "raw"},
		{name: "raw beyond 1e15", mutate: set("raw", 2e15), wantErr: event.ErrOutOfRange, wantField: "raw"},
		{name: "missing as_of", mutate: del("as_of"), wantErr: event.ErrMissing, wantField: "as_of"},
		{name: "as_of not RFC 3339", mutate: set("as_of", "2025-11-28 02:40:00Z"), wantErr: event.ErrMalformed},
		{name: "as_of with 24h offset", mutate: set("as_of", "2025-11-28T02:40:00+24:00"), wantErr: event.ErrBadFormat, wantField: "as_of"},
		{name: "missing age_seconds", mutate: del("age_seconds"), wantErr: event.ErrMissing, wantField: "age_seconds"},
		{name: "missing confidence", mutate: del("confidence"), wantErr: event.ErrMissing, wantField: "confidence"},
		{name: "confidence above 1", mutate: set("confidence", 1.5), wantErr: event.ErrOutOfRange, wantField: "confidence"},
		{name: "missing model_version", mutate: del("model_version"), wantErr: event.ErrMissing, wantField: "model_version"},
		{name: "empty model_version", mutate: set("model_version", ""), wantErr: event.ErrMissing, wantField: "model_version"},
		{name: "missing calibration_hash", mutate: del("calibration_hash"), wantErr: event.ErrMissing, wantField: "calibration_hash"},
		{name: "empty calibration_hash", mutate: set("calibration_hash", ""), wantErr: event.ErrMissing, wantField: "calibration_hash"},
		{name: "missing watermark", mutate: del("watermark"), wantErr: event.ErrMissing, wantField: "watermark"},
		{name: "missing watermark event_time", mutate: func(d map[string]any) { delete(d["watermark"].(map[string]any), "event_time") },
			wantErr: event.ErrMissing, wantField: "watermark.event_time"},
		{name: "negative watermark stream_seq", mutate: func(d map[string]any) { d["watermark"].(map[string]any)["stream_seq"] = -1 },
			wantErr: event.ErrMalformed},
		{name: "extra watermark property", mutate: func(d map[string]any) { d["watermark"].(map[string]any)["lag"] = 0 },
			wantErr: event.ErrMalformed},
		// A risk score's component list does not belong in a component print.
		{name: "components list", mutate: set("components", []any{}), wantErr: event.ErrMalformed},
		{name: "wrong schema", mutate: set("schema", event.SchemaRiskScore), wantErr: event.ErrMalformed},
	})
}

func TestRejectHeartbeat(t *testing.T) {
	assertRejected(t, event.SchemaHeartbeat, []mutation{
		// A heartbeat carries no observation.
		{name: "observation field", mutate: set("yield_pct", 1.881), wantErr: event.ErrMalformed},
		{name: "empty source", mutate: set("source", ""), wantErr: event.ErrMissing, wantField: "source"},
		{name: "null observed_at", mutate: set("observed_at", nil), wantErr: event.ErrMissing, wantField: "observed_at"},
		{name: "observed_at lower-case t", mutate: set("observed_at", "2025-11-28t02:50:00Z"), wantErr: event.ErrMalformed},
		{name: "observed_at moved", mutate: set("observed_at", "2025-11-28T02:51:00Z"), wantErr: event.ErrBadID, wantField: "id", schemaAccepts: true},
		{name: "observed_at an hour ahead", mutate: set("observed_at", "2025-12-01T13:00:00Z"), wantErr: event.ErrFutureTime, wantField: "observed_at", schemaAccepts: true},
		{name: "wrong schema", mutate: set("schema", event.SchemaRiskComponent), wantErr: event.ErrMissing, wantField: "name"},
	})
}
