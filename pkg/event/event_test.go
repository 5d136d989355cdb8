package event_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// fresh returns a new copy of the first fixture of type T, changed by mut.
func fresh[T event.Event](t *testing.T, mut func(T)) event.Event {
	t.Helper()
	for _, f := range fixtures() {
		if e, ok := f.event.(T); ok {
			mut(e)
			return e
		}
	}
	require.FailNow(t, "no fixture of this type")
	return nil
}

// with defers fresh to the subtest, so a table row names its fixture's type
// through mut alone.
func with[T event.Event](mut func(T)) func(*testing.T) event.Event {
	return func(t *testing.T) event.Event {
		t.Helper()
		return fresh(t, mut)
	}
}

// resealed changes a field and seals again, so the id still matches.
func resealed[T event.Event](mut func(T)) func(T) {
	return func(e T) {
		mut(e)
		e.Header().ID = ""
		event.Seal(e, validationTime)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		event     func(t *testing.T) event.Event
		wantErr   error
		wantField string
		wantMsg   string // checked where not empty
	}{
		{name: "valid", event: with(func(*event.JGBYield) {})},
		{name: "observed_at at the clock-skew limit",
			event: with(resealed(func(e *event.JGBYield) { e.ObservedAt = validationTime.Add(event.MaxClockSkew) }))},
		{name: "market quote: missing instrument", wantErr: event.ErrMissing, wantField: "instrument",
			event: with(resealed(func(e *event.MarketQuote) { e.Instrument = "" }))},
		{name: "market quote: instrument in lowercase", wantErr: event.ErrBadFormat, wantField: "instrument",
			event: with(resealed(func(e *event.MarketQuote) { e.Instrument = "usdjpy" }))},
		{name: "market quote: instrument starting with a dash", wantErr: event.ErrBadFormat, wantField: "instrument",
			event: with(resealed(func(e *event.MarketQuote) { e.Instrument = "-BTC" }))},
		{name: "market quote: unknown unit", wantErr: event.ErrBadFormat, wantField: "unit",
			event: with(resealed(func(e *event.MarketQuote) { e.Unit = "yen" }))},
		{name: "market quote: missing kind", wantErr: event.ErrMissing, wantField: "kind",
			event: with(resealed(func(e *event.MarketQuote) { e.Kind = "" }))},
		{name: "market quote: unknown kind", wantErr: event.ErrBadFormat, wantField: "kind",
			event: with(resealed(func(e *event.MarketQuote) { e.Kind = "open" }))},
		{name: "market quote: USDJPY in sen", wantErr: event.ErrOutOfRange, wantField: "value", wantMsg: "15741 is outside [1, 1000]",
			event: with(resealed(func(e *event.MarketQuote) { e.Value = 15741 }))},
		{name: "market quote: yield in basis points", wantErr: event.ErrOutOfRange, wantField: "value",
			event: with(resealed(func(e *event.MarketQuote) { e.Unit, e.Value = event.UnitPercent, 420 }))},
		{name: "market quote: VIX below zero", wantErr: event.ErrOutOfRange, wantField: "value",
			event: with(resealed(func(e *event.MarketQuote) { e.Unit, e.Value = event.UnitPoints, -1 }))},
		{name: "market quote: NaN", wantErr: event.ErrNotFinite, wantField: "value",
			event: with(resealed(func(e *event.MarketQuote) { e.Value = math.NaN() }))},
		{name: "market quote: infinite price", wantErr: event.ErrNotFinite, wantField: "value",
			event: with(resealed(func(e *event.MarketQuote) { e.Unit, e.Value = event.UnitUSD, math.Inf(1) }))},
		{name: "market quote: in the future", wantErr: event.ErrFutureTime, wantField: "observed_at",
			event: with(resealed(func(e *event.MarketQuote) { e.ObservedAt = validationTime.Add(event.MaxClockSkew + time.Second) }))},
		{name: "missing tenor", wantErr: event.ErrMissing, wantField: "tenor",
			event: with(func(e *event.JGBYield) { e.Tenor = "" })},
		{name: "missing source", wantErr: event.ErrMissing, wantField: "source",
			event: with(resealed(func(e *event.ETFFlow) { e.Source = "" }))},
		{name: "missing resolved_at on resolve", wantErr: event.ErrMissing, wantField: "resolved_at",
			event: with(func(e *event.VenueStatus) { e.Action = event.ActionResolve })},
		{name: "missing dead-letter reason", wantErr: event.ErrMissing, wantField: "reason",
			event: with(func(e *event.DeadLetter) { e.Reason = "" })},
		{name: "NaN yield", wantErr: event.ErrNotFinite, wantField: "yield_pct",
			event: with(func(e *event.JGBYield) { e.YieldPct = math.NaN() })},
		{name: "+Inf flow", wantErr: event.ErrNotFinite, wantField: "flow_usd",
			event: with(func(e *event.ETFFlow) { e.FlowUSD = math.Inf(1) })},
		{name: "NaN probability", wantErr: event.ErrNotFinite, wantField: "outcomes.1.probability",
			event: with(func(e *event.FedOdds) { e.Outcomes[1].Probability = math.NaN() })},
		{name: "-Inf component raw", wantErr: event.ErrNotFinite, wantField: "components.0.raw",
			event: with(func(e *event.RiskScore) { *e.Components[0].Raw = math.Inf(-1) })},
		{name: "NaN ETF cost basis", wantErr: event.ErrNotFinite, wantField: "etf_cost_basis_usd",
			event: with(func(e *event.RiskScore) { *e.ETFCostBasisUSD = math.NaN() })},
		{name: "+Inf ETF cost basis", wantErr: event.ErrNotFinite, wantField: "etf_cost_basis_usd",
			event: with(func(e *event.RiskScore) { *e.ETFCostBasisUSD = math.Inf(1) })},
		{name: "zero ETF cost basis", wantErr: event.ErrOutOfRange, wantField: "etf_cost_basis_usd",
			event: with(func(e *event.RiskScore) { *e.ETFCostBasisUSD = 0 })},
		{name: "ETF cost basis unknown",
			event: with(func(e *event.RiskScore) { e.ETFCostBasisUSD = nil })},
		{name: "NaN component score", wantErr: event.ErrNotFinite, wantField: "score",
			event: with(func(e *event.RiskComponent) { e.Score = math.NaN() })},
		{name: "+Inf component raw", wantErr: event.ErrNotFinite, wantField: "raw",
			event: with(func(e *event.RiskComponent) { *e.Raw = math.Inf(1) })},
		{name: "component name not a subject token", wantErr: event.ErrBadFormat, wantField: "name",
			event: with(resealed(func(e *event.RiskComponent) { e.Name = "E1 venue" }))},
		{name: "component renamed after sealing", wantErr: event.ErrBadID, wantField: "id",
			event: with(func(e *event.RiskComponent) { e.Name = "E2" })},
		{name: "heartbeat moved after sealing", wantErr: event.ErrBadID, wantField: "id",
			event: with(func(e *event.Heartbeat) { e.ObservedAt = e.ObservedAt.Add(time.Minute) })},
		{name: "heartbeat one hour ahead", wantErr: event.ErrFutureTime, wantField: "observed_at",
			event: with(resealed(func(e *event.Heartbeat) { e.ObservedAt = validationTime.Add(event.MaxClockSkew + time.Second) }))},
		{name: "yield above 30 %", wantErr: event.ErrOutOfRange, wantField: "yield_pct",
			event: with(func(e *event.JGBYield) { e.YieldPct = 30.001 })},
		{name: "negative index", wantErr: event.ErrOutOfRange, wantField: "index",
			event: with(func(e *event.RiskScore) { e.Index = -0.1 })},
		{name: "probabilities sum to 1.05", wantErr: event.ErrOutOfRange, wantField: "outcomes",
			event: with(func(e *event.FedOdds) { e.Outcomes[1].Probability = 0.341 })},
		{name: "observed_at a second before the epoch", wantErr: event.ErrOutOfRange, wantField: "observed_at", wantMsg: "1969-12-31T23:59:59Z is before 1970-01-01",
			event: with(resealed(func(e *event.JGBYield) { e.ObservedAt = time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC) }))},
		{name: "observed_at a millisecond before the epoch", wantErr: event.ErrOutOfRange, wantField: "observed_at",
			event: with(resealed(func(e *event.JGBYield) { e.ObservedAt = event.MinObservedAt.Add(-time.Millisecond) }))},
		{name: "observed_at at the epoch",
			event: with(resealed(func(e *event.JGBYield) { e.ObservedAt = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC) }))},
		{name: "observed_at on MoF's first row, 24 Sep 1974",
			event: with(resealed(func(e *event.JGBYield) { e.ObservedAt = time.Date(1974, 9, 24, 6, 0, 0, 0, time.UTC) }))},
		{name: "tenor lower case", wantErr: event.ErrBadFormat, wantField: "tenor",
			event: with(func(e *event.JGBYield) { e.Tenor = "10y" })},
		{name: "meeting not a calendar date", wantErr: event.ErrBadFormat, wantField: "meeting",
			event: with(func(e *event.FedOdds) { e.Meeting = "2025-02-29" })},
		{name: "unknown regime", wantErr: event.ErrBadFormat, wantField: "regime",
			event: with(func(e *event.RiskScore) { e.Regime = "panic" })},
		{name: "id not hex", wantErr: event.ErrBadFormat, wantField: "id",
			event: with(func(e *event.JGBYield) { e.ID = "not-an-id" })},
		{name: "observed_at one hour ahead", wantErr: event.ErrFutureTime, wantField: "observed_at",
			event: with(resealed(func(e *event.JGBYield) { e.ObservedAt = validationTime.Add(event.MaxClockSkew + time.Second) }))},
		{name: "observed_at just past the clock-skew limit", wantErr: event.ErrFutureTime, wantField: "observed_at",
			event: with(resealed(func(e *event.JGBYield) {
				e.ObservedAt = validationTime.Add(event.MaxClockSkew + time.Millisecond)
			}))},
		{name: "ingested_at one hour ahead", wantErr: event.ErrFutureTime, wantField: "ingested_at",
			event: with(func(e *event.ETFFlow) { e.IngestedAt = validationTime.Add(time.Hour) })},
		{name: "tampered id", wantErr: event.ErrBadID, wantField: "id",
			event: with(func(e *event.JGBYield) {
				b := []byte(e.ID)
				b[len(b)-1] = "01"[(b[len(b)-1]+1)%2] // change the last hex digit
				e.ID = string(b)
			})},
		{name: "key changed after sealing", wantErr: event.ErrBadID, wantField: "id",
			event: with(func(e *event.JGBYield) { e.Tenor = "2Y" })},
		{name: "observed_at changed after sealing", wantErr: event.ErrBadID, wantField: "id",
			event: with(func(e *event.VenueStatus) { e.ObservedAt = e.ObservedAt.Add(time.Millisecond) })},
		{name: "schema of another version", wantErr: event.ErrUnknownSchema, wantField: "schema",
			event: with(func(e *event.JGBYield) { e.Schema = "cw.jgb.yield/v2" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.event(t).Validate(validationTime)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.wantErr)
			var ve *event.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.wantField, ve.Field)
			assert.Equal(t, tt.wantErr, ve.Unwrap())
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, ve.Msg)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	valid, err := event.Marshal(fixtureOf(t, event.SchemaJGBYield))
	require.NoError(t, err)

	tests := []struct {
		name      string
		data      string
		wantErr   error
		wantField string
	}{
		{name: "truncated", data: `{"schema":`, wantErr: event.ErrMalformed},
		{name: "trailing object", data: string(valid) + ` {}`, wantErr: event.ErrMalformed},
		{name: "trailing brace", data: string(valid) + `}`, wantErr: event.ErrMalformed},
		{name: "empty", data: ``, wantErr: event.ErrMalformed},
		{name: "array", data: `[]`, wantErr: event.ErrMalformed},
		{name: "schema not a string", data: `{"schema":1}`, wantErr: event.ErrMalformed},
		{name: "null", data: `null`, wantErr: event.ErrMissing, wantField: "schema"},
		{name: "no schema", data: `{"tenor":"10Y"}`, wantErr: event.ErrMissing, wantField: "schema"},
		{name: "unknown schema", data: `{"schema":"cw.jgb.yield/v9"}`, wantErr: event.ErrUnknownSchema, wantField: "schema"},
		{name: "unknown field", data: `{"schema":"cw.jgb.yield/v1","yield_bp":188.1}`, wantErr: event.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := event.Decode([]byte(tt.data))
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.wantErr)
			var ve *event.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.wantField, ve.Field)

			_, err = event.Parse([]byte(tt.data), validationTime)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// JSON that encoding/json lets through but RFC 8259 forbids is refused by
// Parse with the exact reason and where it is, not a vague one.
func TestParseExplainsInvalidJSON(t *testing.T) {
	valid, err := event.Marshal(fixtureOf(t, event.SchemaJGBYield))
	require.NoError(t, err)
	tests := []struct {
		name, data, wantMsg string
	}{
		{
			name:    "invalid UTF-8",
			data:    strings.Replace(string(valid), `"tenor":"`, "\"tenor\":\"\xff", 1),
			wantMsg: `invalid UTF-8 within "/tenor"`,
		},
		{
			name:    "duplicate name",
			data:    strings.Replace(string(valid), `"tenor":`, `"tenor":"2Y","tenor":`, 1),
			wantMsg: `duplicate object member name "tenor"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := event.Parse([]byte(tt.data), validationTime)
			require.ErrorIs(t, err, event.ErrMalformed)
			var ve *event.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, ve.Msg, tt.wantMsg)
			assert.NotContains(t, ve.Msg, "strict decoder")
		})
	}
}

// TestDecodeUnsealed checks that Decode accepts a document without the
// fields Seal fills in (scenario files and `carrywatch publish` rely on it),
// while Parse, which reads the wire, requires them.
func TestDecodeUnsealed(t *testing.T) {
	data := []byte(`{"schema":"cw.jgb.yield/v1","source":"mof","observed_at":"2025-12-01T06:00:00Z","tenor":"10Y","yield_pct":1.881}`)

	e, err := event.Decode(data)
	require.NoError(t, err)
	event.Seal(e, validationTime)
	require.NoError(t, e.Validate(validationTime))
	assert.Equal(t, fixtureOf(t, event.SchemaJGBYield).Header().ID, e.Header().ID)

	_, err = event.Parse(data, validationTime)
	assert.ErrorIs(t, err, event.ErrMissing)
	var ve *event.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "id", ve.Field)
}

func TestValidationErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *event.ValidationError
		want string
	}{
		{name: "field and message", err: &event.ValidationError{Field: "yield_pct", Err: event.ErrOutOfRange, Msg: "188.1 is outside [-10, 30]"},
			want: "yield_pct: value out of range: 188.1 is outside [-10, 30]"},
		{name: "no field", err: &event.ValidationError{Err: event.ErrMalformed, Msg: "unexpected end of JSON input"},
			want: "malformed message: unexpected end of JSON input"},
		{name: "no message", err: &event.ValidationError{Field: "tenor", Err: event.ErrMissing},
			want: "tenor: missing required field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.err, tt.want)
		})
	}
}

func TestNewID(t *testing.T) {
	at := time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)
	jst := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name     string
		source   string
		key      string
		at       time.Time
		wantSame bool // same id as NewID("mof", "10Y", at)
	}{
		{name: "same inputs", source: "mof", key: "10Y", at: at, wantSame: true},
		{name: "same instant in another zone", source: "mof", key: "10Y", at: at.In(jst), wantSame: true},
		{name: "same millisecond", source: "mof", key: "10Y", at: at.Add(999 * time.Microsecond), wantSame: true},
		{name: "next millisecond", source: "mof", key: "10Y", at: at.Add(time.Millisecond)},
		{name: "other key", source: "mof", key: "2Y", at: at},
		{name: "other source", source: "boj", key: "10Y", at: at},
		{name: "separator moved", source: "mo", key: "f10Y", at: at},
	}
	want := event.NewID("mof", "10Y", at)
	// SHA-256("mof" 0x1f "10Y" 0x1f "1764568800000"), first 16 bytes.
	require.Equal(t, "bc917da5d1921269b58452e0098df7ea", want)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := event.NewID(tt.source, tt.key, tt.at)
			assert.Regexp(t, `^[0-9a-f]{32}$`, got)
			if tt.wantSame {
				assert.Equal(t, want, got)
			} else {
				assert.NotEqual(t, want, got)
			}
		})
	}
}

func TestSeal(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	observed := time.Date(2025, 12, 1, 15, 0, 0, 123_456_789, jst)
	now := time.Date(2025, 12, 1, 18, 5, 12, 987_654_321, jst)
	tests := []struct {
		name           string
		ingestedAt     time.Time
		wantIngestedAt time.Time
	}{
		{name: "ingested_at set to now", wantIngestedAt: time.Date(2025, 12, 1, 9, 5, 12, 987_000_000, time.UTC)},
		{name: "ingested_at kept", ingestedAt: time.Date(2025, 12, 1, 15, 0, 1, 500_999_999, jst),
			wantIngestedAt: time.Date(2025, 12, 1, 6, 0, 1, 500_000_000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &event.JGBYield{
				Meta:     event.Meta{Source: "mof", ObservedAt: observed, IngestedAt: tt.ingestedAt},
				Tenor:    "10Y",
				YieldPct: 1.881,
			}
			event.Seal(e, now)

			assert.Equal(t, event.SchemaJGBYield, e.Schema)
			assert.Equal(t, time.Date(2025, 12, 1, 6, 0, 0, 123_000_000, time.UTC), e.ObservedAt)
			assert.Equal(t, time.UTC, e.ObservedAt.Location())
			assert.Equal(t, tt.wantIngestedAt, e.IngestedAt)
			assert.Equal(t, time.UTC, e.IngestedAt.Location())
			assert.Equal(t, event.NewID("mof", "10Y", observed), e.ID)
			require.NoError(t, e.Validate(now))

			sealed := *e
			event.Seal(e, now.Add(time.Hour))
			assert.Equal(t, sealed, *e, "sealing twice changes nothing")
		})
	}
}

func TestMillis(t *testing.T) {
	in := time.Date(2025, 11, 28, 11, 40, 0, 999_999_999, time.FixedZone("JST", 9*3600))
	got := event.Millis(in)
	assert.Equal(t, time.Date(2025, 11, 28, 2, 40, 0, 999_000_000, time.UTC), got)
	assert.Equal(t, time.UTC, got.Location())
}

func TestCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "malformed", err: &event.ValidationError{Err: event.ErrMalformed}, want: "malformed"},
		{name: "unknown schema", err: &event.ValidationError{Field: "schema", Err: event.ErrUnknownSchema}, want: "unknown_schema"},
		{name: "missing", err: &event.ValidationError{Field: "tenor", Err: event.ErrMissing}, want: "missing"},
		{name: "not finite", err: &event.ValidationError{Field: "yield_pct", Err: event.ErrNotFinite}, want: "not_finite"},
		{name: "out of range", err: &event.ValidationError{Field: "yield_pct", Err: event.ErrOutOfRange}, want: "out_of_range"},
		{name: "bad format", err: &event.ValidationError{Field: "tenor", Err: event.ErrBadFormat}, want: "bad_format"},
		{name: "future time", err: &event.ValidationError{Field: "observed_at", Err: event.ErrFutureTime}, want: "future_time"},
		{name: "bad id", err: &event.ValidationError{Field: "id", Err: event.ErrBadID}, want: "bad_id"},
		{name: "bare sentinel", err: event.ErrBadID, want: "bad_id"},
		{name: "bad subject", err: &event.ValidationError{Err: event.ErrBadSubject}, want: "bad_subject"},
		{name: "wrapped twice", err: fmt.Errorf("sink: %w", &event.ValidationError{Err: event.ErrMissing}), want: "missing"},
		{name: "other error", err: errors.New("clickhouse: connection refused"), want: "error"},
		{name: "max deliveries over the last failure", want: "max_deliveries",
			err: fmt.Errorf("%w: 3 deliveries, last failure: %w", event.ErrMaxDeliveries, &event.ValidationError{Err: event.ErrMissing})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, event.Code(tt.err))
		})
	}
}

func TestSchemaForSubject(t *testing.T) {
	tests := []struct {
		subject string
		want    string
	}{
		{subject: event.SubjectJGBYield("10Y"), want: event.SchemaJGBYield},
		{subject: event.SubjectFedOdds("2025-12-10"), want: event.SchemaFedOdds},
		{subject: event.SubjectETFFlow(event.TickerTotal), want: event.SchemaETFFlow},
		{subject: event.SubjectVenueStatus("cme"), want: event.SchemaVenueStatus},
		{subject: event.SubjectRiskScore, want: event.SchemaRiskScore},
		{subject: event.SubjectDeadLetter("sink"), want: event.SchemaDeadLetter},
		{subject: event.SubjectComponent("jgb_level"), want: event.SchemaRiskComponent},
		{subject: event.SubjectHeartbeat, want: event.SchemaHeartbeat},
		{subject: "cw.events.heartbeat.replay", want: ""},
		{subject: "cw.risk.component", want: ""},
		{subject: "cw.risk.scores", want: ""},
		{subject: "cw.events.jgb.yield", want: ""},
		{subject: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			assert.Equal(t, tt.want, event.SchemaForSubject(tt.subject))
		})
	}
}

func TestSubjects(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "jgb yield", got: event.SubjectJGBYield("2Y"), want: "cw.events.jgb.yield.2Y"},
		{name: "fed odds", got: event.SubjectFedOdds("2025-12-10"), want: "cw.events.fed.odds.2025-12-10"},
		{name: "etf flow", got: event.SubjectETFFlow("IBIT"), want: "cw.events.etf.flow.IBIT"},
		{name: "venue status", got: event.SubjectVenueStatus("cme"), want: "cw.events.venue.status.cme"},
		{name: "component", got: event.SubjectComponent("jgb_level"), want: "cw.risk.component.jgb_level"},
		{name: "heartbeat", got: event.SubjectHeartbeat, want: "cw.events.heartbeat"},
		{name: "dead letter", got: event.SubjectDeadLetter("sink"), want: "cw.dlq.sink"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}

func TestNew(t *testing.T) {
	for _, name := range event.Schemas() {
		t.Run(name, func(t *testing.T) {
			e, err := event.New(name)
			require.NoError(t, err)
			assert.Equal(t, name, e.SchemaName())
		})
	}
	_, err := event.New("cw.jgb.yield/v2")
	assert.ErrorIs(t, err, event.ErrUnknownSchema)
}

func TestTenorMonths(t *testing.T) {
	tests := []struct {
		tenor string
		want  uint16
	}{
		{tenor: "10Y", want: 120},
		{tenor: "2Y", want: 24},
		{tenor: "40Y", want: 480},
		{tenor: "6M", want: 6},
		{tenor: "99M", want: 99},
		{tenor: "0Y", want: 0},
		{tenor: "100Y", want: 0},
		{tenor: "10y", want: 0},
		{tenor: "Y", want: 0},
		{tenor: "", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.tenor, func(t *testing.T) {
			assert.Equal(t, tt.want, event.TenorMonths(tt.tenor))
			assert.Equal(t, tt.want, (&event.JGBYield{Tenor: tt.tenor}).TenorMonths())
		})
	}
}

func TestFedOddsExpectedChangeBP(t *testing.T) {
	tests := []struct {
		name     string
		outcomes []event.Outcome
		want     float64
	}{
		{name: "21 Nov 2025, cut 70.9 %", outcomes: []event.Outcome{{ChangeBP: -25, Probability: 0.709}, {ChangeBP: 0, Probability: 0.291}}, want: -17.725},
		{name: "20 Nov 2025, cut 39.1 %", outcomes: []event.Outcome{{ChangeBP: -25, Probability: 0.391}, {ChangeBP: 0, Probability: 0.609}}, want: -9.775},
		{name: "three outcomes", outcomes: []event.Outcome{{ChangeBP: -50, Probability: 0.02}, {ChangeBP: -25, Probability: 0.68}, {ChangeBP: 0, Probability: 0.30}}, want: -18},
		{name: "hike", outcomes: []event.Outcome{{ChangeBP: 25, Probability: 1}}, want: 25},
		{name: "no outcomes", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &event.FedOdds{Outcomes: tt.outcomes}
			assert.InDelta(t, tt.want, e.ExpectedChangeBP(), 1e-12)
		})
	}
}

// FuzzParse checks that Parse never panics, that its errors keep their
// contract, that whatever it accepts the JSON Schema accepts too, and that
// an accepted message survives Marshal and Parse unchanged. Unchanged means
// the same wire form: encoding/json cannot tell a nil from an empty
// omitempty list, so the first round may turn one into the other.
func FuzzParse(f *testing.F) {
	addParseSeeds(f)
	sch, err := event.CompileSchemas()
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := event.Parse(data, validationTime)
		if err != nil {
			var ve *event.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.NotEqual(t, "error", event.Code(err))
			return
		}
		assert.NoError(t, schemaValidate(t, sch, e.SchemaName(), data), "Parse accepted what the schema rejects: %s", data)

		b1, err := event.Marshal(e)
		require.NoError(t, err)
		e2, err := event.Parse(b1, validationTime)
		require.NoError(t, err, "%s", b1)
		b2, err := event.Marshal(e2)
		require.NoError(t, err)
		assert.Equal(t, string(b1), string(b2))
		e3, err := event.Parse(b2, validationTime)
		require.NoError(t, err)
		assert.Equal(t, e2, e3)
	})
}

// FuzzStrictMatchesReference checks Parse's fast decoder against the
// encoding/json one it stands in for: whatever the fast one accepts, the
// reference accepts with equal values, and whatever the reference accepts,
// the fast one accepts too unless the JSON itself is invalid (a duplicate
// name or invalid UTF-8, which encoding/json lets through).
func FuzzStrictMatchesReference(f *testing.F) {
	addParseSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, sealedLater := range []bool{false, true} {
			fast, fastErr := event.DecodeStrict(data, sealedLater)
			var ref event.Event
			var refErr error
			if sealedLater {
				ref, refErr = event.DecodeDraftReference(data)
			} else {
				ref, refErr = event.DecodeReference(data)
			}
			switch {
			case fastErr == nil:
				require.NoError(t, refErr, "the fast decoder accepted what the reference rejects: %s", data)
				assert.Equal(t, ref, fast)
			case refErr == nil:
				assert.False(t, jsontext.Value(data).IsValid(), "the fast decoder rejected valid JSON the reference accepts (%v): %s", fastErr, data)
			}
		}
	})
}

// TestStrictDecoderTakesTheWire checks that every fixture, as Marshal writes
// it, goes through the fast decoder, not the fallback.
func TestStrictDecoderTakesTheWire(t *testing.T) {
	for _, fx := range fixtures() {
		data, err := event.Marshal(fx.event)
		require.NoError(t, err)
		got, err := event.DecodeStrict(data, false)
		require.NoError(t, err, "%s", data)
		want, err := event.DecodeReference(data)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

// addParseSeeds adds every fixture and the hand-made edge cases.
func addParseSeeds(f *testing.F) {
	for _, fx := range fixtures() {
		data, err := event.Marshal(fx.event)
		require.NoError(f, err)
		f.Add(data)
	}
	jgb, err := event.Marshal(fixtureOf(f, event.SchemaJGBYield))
	require.NoError(f, err)
	beat, err := event.Marshal(fixtureOf(f, event.SchemaHeartbeat))
	require.NoError(f, err)
	e1, err := event.Marshal(fixtureOf(f, event.SchemaRiskComponent))
	require.NoError(f, err)
	require.Contains(f, string(e1), `"name":"E1"`)
	for _, s := range []string{
		``,
		`{`,
		`{"schema":`,
		`null`,
		`[]`,
		`{}`,
		`{"schema":"cw.jgb.yield/v1"}`,
		`{"schema":"cw.nope/v1"}`,
		`{"schema":"cw.venue.status/v1","components":[]}`,
		`{"schema":"cw.risk.score/v1","blocks":[null],"watermark":null}`,
		`{"schema":"cw.heartbeat/v1"}`,
		`{"schema":"cw.heartbeat/v1","source":"replay","observed_at":"2025-11-28T02:50:00Z","tenor":"10Y"}`,
		`{"schema":"cw.risk.component/v1","name":"E1.x","raw":null,"watermark":null}`,
		`{"schema":"cw.risk.component/v1","components":[],"watermark":{"stream_seq":-1}}`,
		`{"schema":"cw.jgb.yield/v1","observed_at":"2025-12-01T06:00:00+24:00"}`,
		string(jgb) + ` {}`,
		string(jgb[:len(jgb)-1]) + `,"Tenor":"2Y"}`,
		string(jgb[:len(jgb)-1]) + `,"yield_pct":null}`,
		string(beat[:len(beat)-1]) + `,"Source":"replay"}`,
		string(e1[:len(e1)-1]) + `,"raw":null}`,
		strings.Replace(string(e1), `"name":"E1"`, `"name":"E1.venue"`, 1),
	} {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"schema":"cw.jgb.yield/v1","schema":"cw.jgb.yield/v1"}`,
		"{\"schema\":\"cw.jgb.yield/v1\",\"source\":\"m\xff\"}",
		`{"source":"mof","schema":"cw.heartbeat/v1"}`,
		`{"sch\u0065ma":"cw.heartbeat/v1"}`,
	} {
		f.Add([]byte(s))
	}
}

// ValidateContent checks every value Validate checks, except the id.
func TestValidateContentSkipsOnlyTheID(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.event.SchemaName(), func(t *testing.T) {
			data, err := event.Marshal(fx.event)
			require.NoError(t, err)
			e, err := event.Decode(data)
			require.NoError(t, err)
			require.NoError(t, event.ValidateContent(e, validationTime))

			e.Header().ID = strings.Repeat("0", 32)
			require.ErrorIs(t, e.Validate(validationTime), event.ErrBadID)
			require.NoError(t, event.ValidateContent(e, validationTime), "the id is not checked")

			e.Header().Source = "Not A Source"
			require.ErrorIs(t, event.ValidateContent(e, validationTime), event.ErrBadFormat, "values still are")
		})
	}
}

// Every kind is accepted on its own subject only: another key or another
// kind's subject is ErrBadSubject, dead-letter code bad_subject.
func TestCheckSubject(t *testing.T) {
	for _, f := range fixtures() {
		t.Run(f.name+" on its own subject", func(t *testing.T) {
			assert.NoError(t, event.CheckSubject(f.event, f.event.Subject()))
		})
	}
	tests := []struct {
		schema  string
		subject string
	}{
		{schema: event.SchemaJGBYield, subject: event.SubjectJGBYield("2Y")},
		{schema: event.SchemaJGBYield, subject: event.SubjectFedOdds("2025-12-10")},
		{schema: event.SchemaJGBYield, subject: "cw.events.jgb.yield.10Y.x"},
		{schema: event.SchemaJGBYield, subject: ""},
		{schema: event.SchemaFedOdds, subject: event.SubjectFedOdds("2026-01-28")},
		{schema: event.SchemaETFFlow, subject: event.SubjectETFFlow(event.TickerTotal)},
		{schema: event.SchemaVenueStatus, subject: event.SubjectVenueStatus("binance")},
		{schema: event.SchemaMarketQuote, subject: event.SubjectMarketQuote(event.InstrumentBTCUSD)},
		{schema: event.SchemaRiskScore, subject: event.SubjectComponent("score")},
		{schema: event.SchemaRiskComponent, subject: event.SubjectComponent("E2")},
		{schema: event.SchemaDeadLetter, subject: event.SubjectDeadLetter("ingest")},
		{schema: event.SchemaHeartbeat, subject: "cw.events.heartbeat.replay"},
		{schema: event.SchemaHeartbeat, subject: event.SubjectJGBYield("10Y")},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.schema+" on "+tt.subject, func(t *testing.T) {
			covered[tt.schema] = true
			e := fixtureOf(t, tt.schema)
			err := event.CheckSubject(e, tt.subject)
			require.Error(t, err)
			assert.ErrorIs(t, err, event.ErrBadSubject)
			assert.Equal(t, "bad_subject", event.Code(err))
			assert.Contains(t, err.Error(), e.Subject())
		})
	}
	for _, name := range event.Schemas() {
		assert.True(t, covered[name], "no wrong subject for %s", name)
	}
}
