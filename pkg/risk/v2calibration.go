package risk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Blocks of model v2, in print order.
const (
	b2A = iota // carry: JGB repricing, the US–Japan 2-year gap, the yen
	b2B        // Fed path
	b2C        // ETF flows and cost basis
	b2D        // crypto market: BTC drawdown, volatility, return shock
	b2E        // infrastructure: venues
	b2X        // cross-asset volatility: VIX
	nB2
)

var b2Names = [nB2]string{"A", "B", "C", "D", "E", "X"}

// Components of model v2, in print order.
const (
	c2A2 = iota // JGB repricing, both directions
	c2A3        // US–Japan 2-year gap narrowing
	c2A4        // yen shock
	c2B1        // Fed repricing shock
	c2B2        // hawkish path level
	c2C1        // ETF flow intensity
	c2C2        // cost-basis pain
	c2D1        // BTC drawdown
	c2D2        // BTC realized-volatility shock
	c2D3        // BTC return shock
	c2E1        // venue availability
	c2E2        // reopen hazard
	c2X1        // VIX against its 250-day mean
	nC2
)

var (
	c2Names = [nC2]string{"A2", "A3", "A4", "B1", "B2", "C1", "C2", "D1", "D2", "D3", "E1", "E2", "X1"}
	c2Block = [nC2]int{b2A, b2A, b2A, b2B, b2B, b2C, b2C, b2D, b2D, b2D, b2E, b2E, b2X}
	// c2Fitted marks the components scored by their empirical distribution
	// over the calibration history (the others have analytic scores).
	c2Fitted = [nC2]bool{true, true, true, true, true, false, false, true, true, true, false, false, true}
)

// Trigger names new in v2.
const (
	// TriggerCryptoCrash fires when BTC's return shock (D3) is in the
	// calibration history's top tail.
	TriggerCryptoCrash = "CRYPTO_CRASH"
)

// ModelVersionV2 is the version of model v2.
const ModelVersionV2 = "clri-v2"

// calFileV2 mirrors calibration/clri-v2.yaml, which `carrywatch calibrate`
// writes: the structural choices (documented in Spec) and what was fitted
// on the history up to the cut-off.
type calFileV2 struct {
	ModelVersion string             `yaml:"model_version"`
	Cutoff       string             `yaml:"cutoff"`
	Inputs       []InputFile        `yaml:"inputs"`
	Weights      map[string]float64 `yaml:"weights"`
	SinglePocket map[string]float64 `yaml:"single_pocket"`
	Aggregation  struct {
		Neutral           float64   `yaml:"neutral"`
		CorrelationLambda float64   `yaml:"correlation_lambda"`
		CovarianceSeed    []flowRow `yaml:"covariance_seed"`
	} `yaml:"aggregation"`
	Regimes struct {
		Thresholds   []float64          `yaml:"thresholds"`
		Hysteresis   float64            `yaml:"hysteresis"`
		TargetShares map[string]float64 `yaml:"target_shares"`
		Shares       map[string]float64 `yaml:"shares"`
	} `yaml:"regimes"`
	Publish struct {
		MinMove     float64 `yaml:"min_move"`
		MaxInterval string  `yaml:"max_interval"`
	} `yaml:"publish"`
	Drivers struct {
		Window  string  `yaml:"window"`
		MinRise float64 `yaml:"min_rise"`
	} `yaml:"drivers"`
	Series struct {
		Lambda1 float64            `yaml:"lambda_1"`
		Lambda5 float64            `yaml:"lambda_5"`
		SeedSD  map[string]flowRow `yaml:"seed_sd"` // [1-obs, 5-obs]
		MinSD   map[string]float64 `yaml:"min_sd"`
	} `yaml:"series"`
	Fed struct {
		Lambda   float64 `yaml:"lambda"`
		SeedSDBP float64 `yaml:"seed_sd_bp"`
		MinSDBP  float64 `yaml:"min_sd_bp"`
	} `yaml:"fed"`
	ETF struct {
		C1SDPctAUM    float64 `yaml:"c1_sd_pct_aum"`
		C1SDUSD       float64 `yaml:"c1_sd_usd"`
		BasisHorizonD float64 `yaml:"cost_basis_horizon_days"`
	} `yaml:"etf"`
	Triggers struct {
		Tail          float64 `yaml:"tail"`
		PolicyShockBP float64 `yaml:"policy_shock_bp"`
		VenueDownE1   float64 `yaml:"venue_down_e1"`
		MinConfidence float64 `yaml:"min_confidence"`
	} `yaml:"triggers"`
	Freshness  map[string]*freshFile `yaml:"freshness"`
	Components map[string][]flowRow  `yaml:"components"` // [probability, value] knots
}

// flowRow is a row of numbers, written on one line.
type flowRow []float64

// MarshalYAML writes the row in flow style: [a, b].
func (r flowRow) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range r {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatFloat(v, 'g', -1, 64)})
	}
	return n, nil
}

// InputFile identifies one history file a calibration was fitted on.
type InputFile struct {
	File   string `yaml:"file"`
	Rows   int    `yaml:"rows"`
	First  string `yaml:"first"`
	Last   string `yaml:"last"`
	SHA256 string `yaml:"sha256"`
}

// paramsV2 are the typed, validated values of a v2 calibration file.
type paramsV2 struct {
	raw, hash    string
	weights      [nB2]float64
	singlePocket [nB2]float64
	neutral      float64
	corrLambda   float64
	covSeed      [nB2][nB2]float64
	thresholds   [3]float64
	hysteresis   float64
	minMove      float64
	maxInterval  int64
	driverWindow int64
	driverRise   float64
	lambda1      float64
	lambda5      float64
	seedSD       [nSeries][2]float64
	minSD        [nSeries]float64
	fedLambda    float64
	fedSeedSD    float64
	fedMinSD     float64
	c1SDPct      float64
	c1SDUSD      float64
	basisHorizon float64
	tail         float64
	policyBP     float64
	venueDownE1  float64
	minConf      float64
	fresh        [nSeries]freshness
	fedFresh     freshness
	etfFresh     freshness
	ecdf         [nC2]table
}

// freshness keys of the v2 file, by series.
var seriesFreshKey = [nSeries]string{"jgb", "jgb", "fx", "rates", "rates", "crypto", "vix"}

// parseV2 decodes and validates a clri-v2 calibration file.
func parseV2(data []byte) (*paramsV2, error) {
	var f calFileV2
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: decode: %w", ErrBadCalibration, err)
	}
	p, err := f.params()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCalibration, err)
	}
	p.raw = string(data)
	sum := sha256.Sum256(data)
	p.hash = hex.EncodeToString(sum[:16])
	return p, nil
}

func (f *calFileV2) params() (*paramsV2, error) {
	var c checker
	p := &paramsV2{}
	if f.ModelVersion != ModelVersionV2 {
		c.fail("model_version", "%q is not %q", f.ModelVersion, ModelVersionV2)
	}
	var wsum float64
	for j, name := range b2Names {
		w, ok := f.Weights[name]
		if c.present("weights."+name, ok) {
			p.weights[j] = c.unit("weights."+name, w, true)
			wsum += w
		}
		sp, ok := f.SinglePocket[name]
		if c.present("single_pocket."+name, ok) {
			p.singlePocket[j] = c.unit("single_pocket."+name, sp, true)
		}
	}
	if len(f.Weights) != nB2 || math.Abs(wsum-1) > 1e-9 {
		c.fail("weights", "need the %d blocks %v summing to 1 (sum %v)", nB2, b2Names, wsum)
	}
	a := f.Aggregation
	p.neutral = c.unit("aggregation.neutral", a.Neutral, true)
	p.corrLambda = c.unit("aggregation.correlation_lambda", a.CorrelationLambda, true)
	if len(a.CovarianceSeed) != nB2 {
		c.fail("aggregation.covariance_seed", "need a %d×%d matrix", nB2, nB2)
	} else {
		for i, row := range a.CovarianceSeed {
			if len(row) != nB2 {
				c.fail("aggregation.covariance_seed", "row %d has %d values", i, len(row))
				break
			}
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) || (i == j && v < 0) {
					c.fail("aggregation.covariance_seed", "[%d][%d] = %v", i, j, v)
				}
				p.covSeed[i][j] = v
			}
		}
	}
	r := f.Regimes
	if len(r.Thresholds) != 3 || !(0 < r.Thresholds[0] && r.Thresholds[0] < r.Thresholds[1] && r.Thresholds[1] < r.Thresholds[2] && r.Thresholds[2] < 100) {
		c.fail("regimes.thresholds", "need 3 increasing thresholds in (0, 100), got %v", r.Thresholds)
	} else {
		copy(p.thresholds[:], r.Thresholds)
	}
	p.hysteresis = c.nonNegative("regimes.hysteresis", r.Hysteresis)
	p.minMove = c.positive("publish.min_move", f.Publish.MinMove)
	p.maxInterval = c.duration("publish.max_interval", f.Publish.MaxInterval)
	p.driverWindow = c.duration("drivers.window", f.Drivers.Window)
	p.driverRise = c.positive("drivers.min_rise", f.Drivers.MinRise)
	s := f.Series
	p.lambda1 = c.unit("series.lambda_1", s.Lambda1, true)
	p.lambda5 = c.unit("series.lambda_5", s.Lambda5, true)
	for i, name := range seriesNames {
		sd, ok := s.SeedSD[name]
		if c.present("series.seed_sd."+name, ok) && len(sd) != 2 {
			c.fail("series.seed_sd."+name, "need [1-observation sd, 5-observation sd]")
		} else if ok {
			p.seedSD[i] = [2]float64{c.positive("series.seed_sd."+name, sd[0]), c.positive("series.seed_sd."+name, sd[1])}
		}
		m, ok := s.MinSD[name]
		if c.present("series.min_sd."+name, ok) {
			p.minSD[i] = c.positive("series.min_sd."+name, m)
		}
		p.fresh[i] = c.fresh("freshness."+seriesFreshKey[i], f.Freshness[seriesFreshKey[i]], false)
	}
	p.fedLambda = c.unit("fed.lambda", f.Fed.Lambda, true)
	p.fedSeedSD = c.positive("fed.seed_sd_bp", f.Fed.SeedSDBP)
	p.fedMinSD = c.positive("fed.min_sd_bp", f.Fed.MinSDBP)
	p.fedFresh = c.fresh("freshness.fed", f.Freshness["fed"], false)
	p.etfFresh = c.fresh("freshness.etf", f.Freshness["etf"], false)
	p.c1SDPct = c.positive("etf.c1_sd_pct_aum", f.ETF.C1SDPctAUM)
	p.c1SDUSD = c.positive("etf.c1_sd_usd", f.ETF.C1SDUSD)
	p.basisHorizon = c.positive("etf.cost_basis_horizon_days", f.ETF.BasisHorizonD)
	t := f.Triggers
	p.tail = c.unit("triggers.tail", t.Tail, true)
	p.policyBP = c.positive("triggers.policy_shock_bp", t.PolicyShockBP)
	p.venueDownE1 = c.unit("triggers.venue_down_e1", t.VenueDownE1, true)
	p.minConf = c.unit("triggers.min_confidence", t.MinConfidence, true)
	for i, name := range c2Names {
		rows, ok := f.Components[name]
		if c2Fitted[i] && c.present("components."+name, ok) {
			knots := make([][]float64, len(rows))
			for k, r := range rows {
				knots[k] = r
			}
			p.ecdf[i] = c.table("components."+name, knots)
		}
		if !c2Fitted[i] && ok {
			c.fail("components."+name, "has an analytic score, not a fitted one")
		}
	}
	if len(f.Freshness) != 7 {
		c.fail("freshness", "need jgb, fx, rates, crypto, vix, fed and etf")
	}
	return p, c.err
}
