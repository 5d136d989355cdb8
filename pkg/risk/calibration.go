package risk

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// ModelVersionV1 is the version of model v1; it is on every v1 print and
// in every v1 snapshot.
const ModelVersionV1 = "clri-v1"

// DefaultModelVersion is the model the scorer runs unless told otherwise
// (CW_SCORER_MODEL).
const DefaultModelVersion = ModelVersionV2

//go:embed calibration/clri-v1.yaml
var v1CalibrationYAML []byte

//go:embed calibration/clri-v2.yaml
var v2CalibrationYAML []byte

// Calibration is a parsed, validated calibration file: every parameter of
// the model (reference distributions, weights, EWMA λ and windows, regime and
// trigger thresholds, freshness schedules, venue weights and severities, the
// publish rule). It is immutable; the zero value stands for
// DefaultCalibration().
type Calibration struct {
	p  *params   // model v1
	v2 *paramsV2 // model v2
}

var (
	v1Calibration = mustParse("clri-v1.yaml", v1CalibrationYAML)
	v2Calibration = mustParse("clri-v2.yaml", v2CalibrationYAML)
)

// mustParse parses an embedded calibration once, on first use. It panics
// only if the embedded file does not parse, which the package tests rule
// out (the same contract as regexp.MustCompile on a constant).
func mustParse(name string, data []byte) func() Calibration {
	return sync.OnceValue(func() Calibration {
		c, err := ParseCalibration(data)
		if err != nil {
			panic("risk: embedded calibration/" + name + ": " + err.Error())
		}
		return c
	})
}

// DefaultCalibration returns the embedded calibration of
// DefaultModelVersion.
func DefaultCalibration() Calibration { return v2Calibration() }

// CalibrationFor returns the embedded calibration of a model version:
// clri-v1 (calibration/clri-v1.yaml) or clri-v2 (calibration/clri-v2.yaml).
func CalibrationFor(version string) (Calibration, error) {
	switch version {
	case ModelVersionV1:
		return v1Calibration(), nil
	case ModelVersionV2:
		return v2Calibration(), nil
	}
	return Calibration{}, fmt.Errorf("%w: unknown model version %q (known: %s, %s)", ErrBadCalibration, version, ModelVersionV1, ModelVersionV2)
}

// ParseCalibration decodes and validates a calibration file. Decoding is
// strict: an unknown or duplicate key, a missing section, a value of the
// wrong type or out of range, weights that do not sum to 1, or a reference
// table that is not strictly increasing all give an error wrapping
// ErrBadCalibration.
func ParseCalibration(data []byte) (Calibration, error) {
	var head struct {
		ModelVersion string `yaml:"model_version"`
	}
	if err := yaml.Unmarshal(data, &head); err == nil && head.ModelVersion == ModelVersionV2 {
		p, err := parseV2(data)
		if err != nil {
			return Calibration{}, err
		}
		return Calibration{v2: p}, nil
	}
	var f calFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Calibration{}, fmt.Errorf("%w: decode: %w", ErrBadCalibration, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return Calibration{}, fmt.Errorf("%w: more than one YAML document", ErrBadCalibration)
	}
	p, err := f.params()
	if err != nil {
		return Calibration{}, fmt.Errorf("%w: %w", ErrBadCalibration, err)
	}
	p.raw = bytes.Clone(data)
	sum := sha256.Sum256(data)
	p.hash = hex.EncodeToString(sum[:16])
	return Calibration{p: p}, nil
}

// resolve returns c, or DefaultCalibration() for the zero value.
func (c Calibration) resolve() Calibration {
	if c.p == nil && c.v2 == nil {
		return DefaultCalibration()
	}
	return c
}

// params returns the parsed v1 parameters (the embedded v1 file's for a
// v2 calibration).
func (c Calibration) params() *params {
	if c = c.resolve(); c.p == nil {
		return v1Calibration().p
	}
	return c.p
}

// Hash returns the hex SHA-256 (first 16 bytes) of the file bytes the
// calibration was parsed from. It never fails.
func (c Calibration) Hash() string {
	if c = c.resolve(); c.v2 != nil {
		return c.v2.hash
	}
	return c.p.hash
}

// Version returns the model version the file declares.
func (c Calibration) Version() string {
	if c = c.resolve(); c.v2 != nil {
		return ModelVersionV2
	}
	return c.p.version
}

// Bytes returns a copy of the file the calibration was parsed from.
func (c Calibration) Bytes() []byte {
	if c = c.resolve(); c.v2 != nil {
		return []byte(c.v2.raw)
	}
	return bytes.Clone(c.p.raw)
}

// MaxInterval returns the longest span of event time between published
// prints (the publish rule's max_interval).
func (c Calibration) MaxInterval() time.Duration {
	if c = c.resolve(); c.v2 != nil {
		return time.Duration(c.v2.maxInterval) * time.Millisecond
	}
	return time.Duration(c.p.maxIntervalMs) * time.Millisecond
}

// RegimeThresholds returns the entry thresholds of watch, elevated and
// stress.
func (c Calibration) RegimeThresholds() [3]float64 {
	if c = c.resolve(); c.v2 != nil {
		return c.v2.thresholds
	}
	return c.p.thresholds
}

// params are the typed, validated values of a calibration file. Durations
// are milliseconds, days are days since the Unix epoch (UTC).
type params struct {
	raw     []byte
	hash    string
	version string

	weights        [nBlocks]float64
	neutral        float64
	corrLambda     float64
	corrMinSamples int

	thresholds   [3]float64
	hysteresis   float64
	singlePocket float64

	minMove       float64
	maxIntervalMs int64

	driverWindowMs int64
	driverMinRise  float64
	driverSampleMs int64

	jgbFresh, fedFresh, etfFresh freshness

	tenors        []string // A tenors, in file order
	a1Ref         []table  // per tenor
	a2Window      int
	a2Lambda      float64
	a2SeedVar     []float64 // per tenor, bp²
	a2MinSD       float64
	cuTenor       int // index into tenors
	cuA2Min       float64
	cuLookbackMs  int64
	cuSlackMs     int64
	meetings      int
	decisionHour  int
	maxSourceLag  int64
	b1WindowMs    int64
	b1Lambda      float64
	b1SeedVar     float64
	b1MinSD       float64
	b2WindowMs    int64
	b2Ref         table
	asset         string
	sessions      int
	lookback      int
	minSessions   int
	refAUM        float64
	c1Ref         table
	bleedPct      float64
	bleedUSD      float64
	venueWeights  map[string]float64
	defaultWeight float64
	severity      map[string]float64
	e2HalfLifeMs  int64
	e2HorizonMs   int64

	venueDownE1   float64
	policyShockBP float64
	minConfidence float64
}

// freshness is one input's decay schedule (the model specification "Freshness").
type freshness struct {
	business   bool
	cadenceMs  int64
	graceMs    int64
	halfLifeMs int64
	holidays   []int32 // sorted weekday holidays, days since epoch
}

// calFile mirrors calibration/clri-v1.yaml.
type calFile struct {
	ModelVersion string `yaml:"model_version"`
	Blocks       *struct {
		Weights map[string]float64 `yaml:"weights"`
	} `yaml:"blocks"`
	Aggregation *struct {
		Neutral               float64 `yaml:"neutral"`
		CorrelationLambda     float64 `yaml:"correlation_lambda"`
		CorrelationMinSamples int     `yaml:"correlation_min_samples"`
	} `yaml:"aggregation"`
	Regimes *struct {
		Thresholds   []float64 `yaml:"thresholds"`
		Hysteresis   float64   `yaml:"hysteresis"`
		SinglePocket float64   `yaml:"single_pocket"`
	} `yaml:"regimes"`
	Publish *struct {
		MinMove     float64 `yaml:"min_move"`
		MaxInterval string  `yaml:"max_interval"`
	} `yaml:"publish"`
	Drivers *struct {
		Window      string  `yaml:"window"`
		MinRise     float64 `yaml:"min_rise"`
		SampleEvery string  `yaml:"sample_every"`
	} `yaml:"drivers"`
	Freshness *struct {
		JGB      *freshFile `yaml:"jgb"`
		FedOdds  *freshFile `yaml:"fed_odds"`
		ETFFlows *freshFile `yaml:"etf_flows"`
	} `yaml:"freshness"`
	Carry *struct {
		Tenors []string `yaml:"tenors"`
		A1     *struct {
			Reference map[string][][]float64 `yaml:"reference"`
		} `yaml:"a1"`
		A2 *struct {
			WindowObs int                `yaml:"window_obs"`
			Lambda    float64            `yaml:"lambda"`
			SeedSDBP  map[string]float64 `yaml:"seed_sd_bp"`
			MinSDBP   float64            `yaml:"min_sd_bp"`
		} `yaml:"a2"`
		CarryUnwind *struct {
			Tenor    string  `yaml:"tenor"`
			A2Min    float64 `yaml:"a2_min"`
			Lookback string  `yaml:"lookback"`
			Slack    string  `yaml:"slack"`
		} `yaml:"carry_unwind"`
	} `yaml:"carry"`
	FedPath *struct {
		Meetings        int    `yaml:"meetings"`
		DecisionHourUTC int    `yaml:"decision_hour_utc"`
		MaxSourceLag    string `yaml:"max_source_lag"`
		B1              *struct {
			Window   string  `yaml:"window"`
			Lambda   float64 `yaml:"lambda"`
			SeedSDBP float64 `yaml:"seed_sd_bp"`
			MinSDBP  float64 `yaml:"min_sd_bp"`
		} `yaml:"b1"`
		B2 *struct {
			Window    string      `yaml:"window"`
			Reference [][]float64 `yaml:"reference"`
		} `yaml:"b2"`
	} `yaml:"fed_path"`
	ETFFlows *struct {
		Asset            string      `yaml:"asset"`
		Sessions         int         `yaml:"sessions"`
		LookbackSessions int         `yaml:"lookback_sessions"`
		MinSessions      int         `yaml:"min_sessions"`
		ReferenceAUMUSD  float64     `yaml:"reference_aum_usd"`
		Reference        [][]float64 `yaml:"reference"`
		ETFBleedPctAUM   float64     `yaml:"etf_bleed_pct_aum"`
		ETFBleedUSD      float64     `yaml:"etf_bleed_usd"`
	} `yaml:"etf_flows"`
	Infrastructure *struct {
		VenueWeights       map[string]float64 `yaml:"venue_weights"`
		DefaultVenueWeight float64            `yaml:"default_venue_weight"`
		Severity           map[string]float64 `yaml:"severity"`
		E2HalfLife         string             `yaml:"e2_half_life"`
		E2Horizon          string             `yaml:"e2_horizon"`
	} `yaml:"infrastructure"`
	Triggers *struct {
		VenueDownE1   float64 `yaml:"venue_down_e1"`
		PolicyShockBP float64 `yaml:"policy_shock_bp"`
		MinConfidence float64 `yaml:"min_confidence"`
	} `yaml:"triggers"`
}

type freshFile struct {
	Clock    string   `yaml:"clock"`
	Cadence  string   `yaml:"cadence"`
	Grace    string   `yaml:"grace"`
	HalfLife string   `yaml:"half_life"`
	Holidays []string `yaml:"holidays,omitempty"`
}

// checker collects the first validation error with its YAML path.
type checker struct{ err error }

func (c *checker) fail(path, format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
}

func (c *checker) present(path string, ok bool) bool {
	if !ok {
		c.fail(path, "missing")
	}
	return ok
}

// eachKey checks that m has exactly the keys: another count fails path
// with want, a missing key fails path.key. It calls check with the index,
// path and value of each key present, in the order of keys.
func eachKey[V any](c *checker, path string, m map[string]V, keys []string, want string, check func(i int, path string, v V)) {
	if len(m) != len(keys) {
		c.fail(path, "%s", want)
	}
	for i, k := range keys {
		v, ok := m[k]
		if c.present(path+"."+k, ok) {
			check(i, path+"."+k, v)
		}
	}
}

// unit checks 0 < v < 1 (open) or 0 <= v <= 1 (closed).
func (c *checker) unit(path string, v float64, open bool) float64 {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		c.fail(path, "not finite")
	case open && (v <= 0 || v >= 1):
		c.fail(path, "%v is outside (0, 1)", v)
	case !open && (v < 0 || v > 1):
		c.fail(path, "%v is outside [0, 1]", v)
	}
	return v
}

func (c *checker) positive(path string, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		c.fail(path, "%v must be a positive number", v)
	}
	return v
}

func (c *checker) nonNegative(path string, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		c.fail(path, "%v must be a non-negative number", v)
	}
	return v
}

func (c *checker) duration(path, s string) int64 {
	d, err := time.ParseDuration(s)
	switch {
	case s == "":
		c.fail(path, "missing")
	case err != nil:
		c.fail(path, "%v", err)
	case d <= 0 || d%time.Millisecond != 0:
		c.fail(path, "%s must be a positive whole number of milliseconds", s)
	}
	return d.Milliseconds()
}

func (c *checker) count(path string, v, lo int) int {
	if v < lo {
		c.fail(path, "%d must be at least %d", v, lo)
	}
	return v
}

func (c *checker) table(path string, rows [][]float64) table {
	var t table
	if len(rows) < 2 {
		c.fail(path, "a reference table needs at least 2 knots")
		return t
	}
	for i, r := range rows {
		if len(r) != 2 {
			c.fail(fmt.Sprintf("%s[%d]", path, i), "a knot is [probability, value]")
			return t
		}
		p, v := r[0], r[1]
		if math.IsNaN(p) || math.IsNaN(v) || math.IsInf(v, 0) {
			c.fail(fmt.Sprintf("%s[%d]", path, i), "not finite")
			return t
		}
		t.p = append(t.p, p)
		t.v = append(t.v, v)
	}
	if t.p[0] != 0 || t.p[len(t.p)-1] != 1 {
		c.fail(path, "probabilities must run from 0 to 1")
	}
	for i := 1; i < len(t.p); i++ {
		if t.p[i] <= t.p[i-1] || t.v[i] <= t.v[i-1] {
			c.fail(fmt.Sprintf("%s[%d]", path, i), "probabilities and values must strictly increase")
		}
	}
	return t
}

func (c *checker) fresh(path string, f *freshFile, allowHolidays bool) freshness {
	var out freshness
	if !c.present(path, f != nil) {
		return out
	}
	switch f.Clock {
	case "business":
		out.business = true
	case "calendar":
	default:
		c.fail(path+".clock", "%q is not business or calendar", f.Clock)
	}
	out.cadenceMs = c.duration(path+".cadence", f.Cadence)
	out.graceMs = c.duration(path+".grace", f.Grace)
	out.halfLifeMs = c.duration(path+".half_life", f.HalfLife)
	if len(f.Holidays) > 0 && !out.business {
		c.fail(path+".holidays", "holidays need the business clock")
	}
	if !allowHolidays && len(f.Holidays) > 0 {
		c.fail(path+".holidays", "not used for this input")
	}
	for _, h := range f.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			c.fail(path+".holidays", "%q is not YYYY-MM-DD", h)
			continue
		}
		day := int32(d.Unix() / 86400)
		if weekday(day) < 5 {
			out.holidays = append(out.holidays, day)
		}
	}
	slices.Sort(out.holidays)
	out.holidays = slices.Compact(out.holidays)
	return out
}

// params validates the decoded file and converts it to typed values,
// section by section in the file's order; the error names the first
// problem's YAML path.
func (f *calFile) params() (*params, error) {
	c := &checker{}
	p := &params{version: f.ModelVersion}
	if f.ModelVersion != ModelVersionV1 {
		c.fail("model_version", "%q is not %q", f.ModelVersion, ModelVersionV1)
	}
	f.checkBlocks(c, p)
	f.checkAggregation(c, p)
	f.checkRegimes(c, p)
	f.checkPublish(c, p)
	f.checkDrivers(c, p)
	f.checkFreshness(c, p)
	f.checkCarry(c, p)
	f.checkFedPath(c, p)
	f.checkETFFlows(c, p)
	f.checkInfrastructure(c, p)
	f.checkTriggers(c, p)
	if c.err != nil {
		return nil, c.err
	}
	return p, nil
}

// checkBlocks checks blocks: one weight per block, each positive, summing
// to 1.
func (f *calFile) checkBlocks(c *checker, p *params) {
	if !c.present("blocks", f.Blocks != nil) {
		return
	}
	var sum float64
	eachKey(c, "blocks.weights", f.Blocks.Weights, blockNames[:], fmt.Sprintf("want exactly the blocks %v", blockNames),
		func(i int, path string, w float64) {
			p.weights[i] = c.positive(path, w)
			sum += w
		})
	if math.Abs(sum-1) > 1e-9 {
		c.fail("blocks.weights", "sum to %v, not 1", sum)
	}
}

// checkAggregation checks aggregation: the neutral level and the
// correlation estimate's decay and minimum samples.
func (f *calFile) checkAggregation(c *checker, p *params) {
	if !c.present("aggregation", f.Aggregation != nil) {
		return
	}
	a := f.Aggregation
	p.neutral = c.unit("aggregation.neutral", a.Neutral, true)
	p.corrLambda = c.unit("aggregation.correlation_lambda", a.CorrelationLambda, true)
	p.corrMinSamples = c.count("aggregation.correlation_min_samples", a.CorrelationMinSamples, 1)
}

// checkRegimes checks regimes: three thresholds strictly increasing within
// (0, 100), the hysteresis and the single-pocket share.
func (f *calFile) checkRegimes(c *checker, p *params) {
	if !c.present("regimes", f.Regimes != nil) {
		return
	}
	r := f.Regimes
	if len(r.Thresholds) != 3 {
		c.fail("regimes.thresholds", "want 3 thresholds (watch, elevated, stress)")
	} else {
		for i, v := range r.Thresholds {
			if v <= 0 || v >= 100 || (i > 0 && v <= r.Thresholds[i-1]) {
				c.fail("regimes.thresholds", "must strictly increase within (0, 100)")
			}
			p.thresholds[i] = v
		}
	}
	p.hysteresis = c.nonNegative("regimes.hysteresis", r.Hysteresis)
	p.singlePocket = c.unit("regimes.single_pocket", r.SinglePocket, true)
}

// checkPublish checks publish: the least move worth a print and the longest
// interval between prints.
func (f *calFile) checkPublish(c *checker, p *params) {
	if !c.present("publish", f.Publish != nil) {
		return
	}
	p.minMove = c.nonNegative("publish.min_move", f.Publish.MinMove)
	p.maxIntervalMs = c.duration("publish.max_interval", f.Publish.MaxInterval)
}

// checkDrivers checks drivers: the driver window, the least rise and a
// sampling step dividing a day and the window.
func (f *calFile) checkDrivers(c *checker, p *params) {
	if !c.present("drivers", f.Drivers != nil) {
		return
	}
	p.driverWindowMs = c.duration("drivers.window", f.Drivers.Window)
	p.driverMinRise = c.nonNegative("drivers.min_rise", f.Drivers.MinRise)
	p.driverSampleMs = c.duration("drivers.sample_every", f.Drivers.SampleEvery)
	if p.driverSampleMs > 0 && (msPerDay%p.driverSampleMs != 0 || p.driverWindowMs%p.driverSampleMs != 0) {
		c.fail("drivers.sample_every", "must divide a day and the window")
	}
}

// checkFreshness checks freshness: the cadence, grace and half-life of the
// JGB, Fed-odds and ETF-flow inputs.
func (f *calFile) checkFreshness(c *checker, p *params) {
	if !c.present("freshness", f.Freshness != nil) {
		return
	}
	p.jgbFresh = c.fresh("freshness.jgb", f.Freshness.JGB, true)
	p.fedFresh = c.fresh("freshness.fed_odds", f.Freshness.FedOdds, false)
	p.etfFresh = c.fresh("freshness.etf_flows", f.Freshness.ETFFlows, true)
}

// checkCarry checks carry: the tenors, each once, then their A1, A2 and
// carry-unwind settings.
func (f *calFile) checkCarry(c *checker, p *params) {
	if !c.present("carry", f.Carry != nil) {
		return
	}
	k := f.Carry
	p.tenors = k.Tenors
	if len(k.Tenors) == 0 {
		c.fail("carry.tenors", "missing")
	}
	for _, t := range k.Tenors {
		if event.TenorMonths(t) == 0 {
			c.fail("carry.tenors", "%q is not a tenor like 2Y or 10Y", t)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(k.Tenors)))) != len(k.Tenors) {
		c.fail("carry.tenors", "a tenor is listed twice")
	}
	f.checkCarryA1(c, p)
	f.checkCarryA2(c, p)
	f.checkCarryUnwind(c, p)
}

// checkCarryA1 checks carry.a1: one reference table per tenor.
func (f *calFile) checkCarryA1(c *checker, p *params) {
	k := f.Carry
	if !c.present("carry.a1", k.A1 != nil) {
		return
	}
	eachKey(c, "carry.a1.reference", k.A1.Reference, k.Tenors, fmt.Sprintf("want one table per tenor %v", k.Tenors),
		func(_ int, path string, rows [][]float64) {
			p.a1Ref = append(p.a1Ref, c.table(path, rows))
		})
}

// checkCarryA2 checks carry.a2: the volatility window, decay and floor,
// and one seed per tenor.
func (f *calFile) checkCarryA2(c *checker, p *params) {
	k := f.Carry
	if !c.present("carry.a2", k.A2 != nil) {
		return
	}
	p.a2Window = c.count("carry.a2.window_obs", k.A2.WindowObs, 1)
	p.a2Lambda = c.unit("carry.a2.lambda", k.A2.Lambda, true)
	p.a2MinSD = c.positive("carry.a2.min_sd_bp", k.A2.MinSDBP)
	eachKey(c, "carry.a2.seed_sd_bp", k.A2.SeedSDBP, k.Tenors, fmt.Sprintf("want one seed per tenor %v", k.Tenors),
		func(_ int, path string, sd float64) {
			sd = c.positive(path, sd)
			p.a2SeedVar = append(p.a2SeedVar, sd*sd)
		})
}

// checkCarryUnwind checks carry.carry_unwind: a tenor of carry.tenors,
// the A2 level and the look-back and slack.
func (f *calFile) checkCarryUnwind(c *checker, p *params) {
	k := f.Carry
	if !c.present("carry.carry_unwind", k.CarryUnwind != nil) {
		return
	}
	cu := k.CarryUnwind
	p.cuTenor = slices.Index(k.Tenors, cu.Tenor)
	if p.cuTenor < 0 {
		c.fail("carry.carry_unwind.tenor", "%q is not one of carry.tenors", cu.Tenor)
	}
	p.cuA2Min = c.unit("carry.carry_unwind.a2_min", cu.A2Min, false)
	p.cuLookbackMs = c.duration("carry.carry_unwind.lookback", cu.Lookback)
	p.cuSlackMs = c.duration("carry.carry_unwind.slack", cu.Slack)
}

// checkFedPath checks fed_path: the meetings, the decision hour, the source
// lag and the B1 and B2 settings.
func (f *calFile) checkFedPath(c *checker, p *params) {
	if !c.present("fed_path", f.FedPath != nil) {
		return
	}
	b := f.FedPath
	p.meetings = c.count("fed_path.meetings", b.Meetings, 1)
	if b.Meetings > maxMeetings {
		c.fail("fed_path.meetings", "at most %d", maxMeetings)
	}
	if b.DecisionHourUTC < 0 || b.DecisionHourUTC > 23 {
		c.fail("fed_path.decision_hour_utc", "%d is not an hour", b.DecisionHourUTC)
	}
	p.decisionHour = b.DecisionHourUTC
	p.maxSourceLag = c.duration("fed_path.max_source_lag", b.MaxSourceLag)
	if c.present("fed_path.b1", b.B1 != nil) {
		p.b1WindowMs = c.duration("fed_path.b1.window", b.B1.Window)
		p.b1Lambda = c.unit("fed_path.b1.lambda", b.B1.Lambda, true)
		sd := c.positive("fed_path.b1.seed_sd_bp", b.B1.SeedSDBP)
		p.b1SeedVar = sd * sd
		p.b1MinSD = c.positive("fed_path.b1.min_sd_bp", b.B1.MinSDBP)
	}
	if c.present("fed_path.b2", b.B2 != nil) {
		p.b2WindowMs = c.duration("fed_path.b2.window", b.B2.Window)
		p.b2Ref = c.table("fed_path.b2.reference", b.B2.Reference)
	}
}

// checkETFFlows checks etf_flows: the asset, the session counts, the
// reference AUM and table and the bleed thresholds.
func (f *calFile) checkETFFlows(c *checker, p *params) {
	if !c.present("etf_flows", f.ETFFlows != nil) {
		return
	}
	e := f.ETFFlows
	p.asset = e.Asset
	if e.Asset == "" {
		c.fail("etf_flows.asset", "missing")
	}
	p.sessions = c.count("etf_flows.sessions", e.Sessions, 1)
	p.lookback = c.count("etf_flows.lookback_sessions", e.LookbackSessions, e.Sessions)
	p.minSessions = c.count("etf_flows.min_sessions", e.MinSessions, 1)
	if e.MinSessions > e.Sessions {
		c.fail("etf_flows.min_sessions", "more than etf_flows.sessions")
	}
	p.refAUM = c.positive("etf_flows.reference_aum_usd", e.ReferenceAUMUSD)
	p.c1Ref = c.table("etf_flows.reference", e.Reference)
	p.bleedPct = c.positive("etf_flows.etf_bleed_pct_aum", e.ETFBleedPctAUM)
	p.bleedUSD = c.positive("etf_flows.etf_bleed_usd", e.ETFBleedUSD)
}

// checkInfrastructure checks infrastructure: the venue weights, one weight
// per severity and the E2 half-life and horizon.
func (f *calFile) checkInfrastructure(c *checker, p *params) {
	if !c.present("infrastructure", f.Infrastructure != nil) {
		return
	}
	in := f.Infrastructure
	p.venueWeights = map[string]float64{}
	for v, w := range in.VenueWeights {
		p.venueWeights[v] = c.unit("infrastructure.venue_weights."+v, w, false)
	}
	p.defaultWeight = c.unit("infrastructure.default_venue_weight", in.DefaultVenueWeight, false)
	p.severity = map[string]float64{}
	eachKey(c, "infrastructure.severity", in.Severity, event.Severities, fmt.Sprintf("want exactly the severities %v", event.Severities),
		func(i int, path string, v float64) {
			p.severity[event.Severities[i]] = c.unit(path, v, false)
		})
	p.e2HalfLifeMs = c.duration("infrastructure.e2_half_life", in.E2HalfLife)
	p.e2HorizonMs = c.duration("infrastructure.e2_horizon", in.E2Horizon)
}

// checkTriggers checks triggers: the VENUE_DOWN, POLICY_SHOCK and
// confidence thresholds.
func (f *calFile) checkTriggers(c *checker, p *params) {
	if !c.present("triggers", f.Triggers != nil) {
		return
	}
	t := f.Triggers
	p.venueDownE1 = c.unit("triggers.venue_down_e1", t.VenueDownE1, false)
	p.policyShockBP = c.positive("triggers.policy_shock_bp", t.PolicyShockBP)
	p.minConfidence = c.unit("triggers.min_confidence", t.MinConfidence, false)
}
