package event

import (
	"strconv"
	"time"
)

// Regimes of the risk index, calmest first.
const (
	RegimeCalm     = "calm"
	RegimeWatch    = "watch"
	RegimeElevated = "elevated"
	RegimeStress   = "stress"
)

// RiskScore is one print of the carry & liquidity risk index (CLRI) with
// its explanation.
type RiskScore struct {
	Meta
	// Index is the headline CLRI, 0–100.
	Index float64 `json:"index"`
	// Regime is calm, watch, elevated or stress.
	Regime string `json:"regime"`
	// Blocks are the block scores and their contributions to Index.
	Blocks []Block `json:"blocks"`
	// Components are the component scores behind the blocks.
	Components []Component `json:"components"`
	// Triggers are the named triggers active at this print.
	Triggers []string `json:"triggers"`
	// Drivers names the top blocks by contribution, largest first.
	Drivers []string `json:"drivers"`
	// ModelVersion is the version of the model that computed the print.
	ModelVersion string `json:"model_version"`
	// CalibrationHash is the hash of the calibration file in use.
	CalibrationHash string `json:"calibration_hash"`
	// Watermark says how far into the input the print has read.
	Watermark Watermark `json:"watermark"`
	// ETFCostBasisUSD is the flow-weighted cost basis of US spot BTC ETFs:
	// the average cost in USD per BTC of the coins they hold, as the model
	// computes it; nil when unknown.
	ETFCostBasisUSD *float64 `json:"etf_cost_basis_usd,omitempty"`
}

// Block is one block of the index.
type Block struct {
	Name         string  `json:"name"`
	Score        float64 `json:"score"`        // [0, 1]
	Contribution float64 `json:"contribution"` // index points
	Freshness    float64 `json:"freshness"`    // [0, 1]
}

// Component is one input-level sub-score.
type Component struct {
	Name       string    `json:"name"`
	Block      string    `json:"block"`
	Raw        *float64  `json:"raw,omitempty"` // the input in its own unit
	Score      float64   `json:"score"`         // [0, 1]
	AsOf       time.Time `json:"as_of"`
	AgeSeconds float64   `json:"age_seconds"`
	Confidence float64   `json:"confidence"` // [0, 1]
}

// Watermark is the position in CW_EVENTS a print reflects.
type Watermark struct {
	StreamSeq uint64    `json:"stream_seq"`
	EventTime time.Time `json:"event_time"`
}

// SchemaName returns SchemaRiskScore.
func (*RiskScore) SchemaName() string { return SchemaRiskScore }

// Key returns model_version/calibration_hash/watermark stream sequence, so
// replicas scoring the same input print under the same id.
func (e *RiskScore) Key() string {
	return e.ModelVersion + "/" + e.CalibrationHash + "/" + strconv.FormatUint(e.Watermark.StreamSeq, 10)
}

// Subject returns cw.risk.score.
func (e *RiskScore) Subject() string { return SubjectRiskScore }

// Validate checks the index range, the regime, every block and component
// score, the model identification and, when present, that the ETF cost
// basis is a finite price above zero.
func (e *RiskScore) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *RiskScore) check(now time.Time, withID bool) error {
	if err := number("index", e.Index, 0, 100); err != nil {
		return err
	}
	if err := oneOf("regime", e.Regime, RegimeCalm, RegimeWatch, RegimeElevated, RegimeStress); err != nil {
		return err
	}
	for i, b := range e.Blocks {
		field := "blocks." + strconv.Itoa(i)
		if b.Name == "" {
			return invalid(field+".name", ErrMissing, "")
		}
		if err := number(field+".score", b.Score, 0, 1); err != nil {
			return err
		}
		if err := number(field+".contribution", b.Contribution, -100, 100); err != nil {
			return err
		}
		if err := number(field+".freshness", b.Freshness, 0, 1); err != nil {
			return err
		}
	}
	for i, c := range e.Components {
		field := "components." + strconv.Itoa(i)
		if c.Name == "" {
			return invalid(field+".name", ErrMissing, "")
		}
		if err := c.checkNumbers(field + "."); err != nil {
			return err
		}
	}
	if e.ETFCostBasisUSD != nil {
		if err := positive("etf_cost_basis_usd", *e.ETFCostBasisUSD); err != nil {
			return err
		}
	}
	if err := checkModel(e.ModelVersion, e.CalibrationHash); err != nil {
		return err
	}
	return e.validate(SchemaRiskScore, e.Key(), now, withID)
}

// checkNumbers checks the score and confidence within [0, 1] and the raw
// input, when there is one, within ±1e15; prefix starts each field name.
func (c *Component) checkNumbers(prefix string) error {
	if err := number(prefix+"score", c.Score, 0, 1); err != nil {
		return err
	}
	if err := number(prefix+"confidence", c.Confidence, 0, 1); err != nil {
		return err
	}
	if c.Raw != nil {
		if err := number(prefix+"raw", *c.Raw, -1e15, 1e15); err != nil {
			return err
		}
	}
	return nil
}

// checkModel checks that the model version and calibration hash that
// computed a print are named.
func checkModel(version, calibrationHash string) error {
	if version == "" {
		return invalid("model_version", ErrMissing, "")
	}
	if calibrationHash == "" {
		return invalid("calibration_hash", ErrMissing, "")
	}
	return nil
}
