package event

import "time"

// RiskComponent is one component's sub-score at one print of the index,
// published on cw.risk.component.<name> for subscribers who trade on a
// single input.
type RiskComponent struct {
	Meta
	Component
	// ModelVersion is the version of the model that computed it.
	ModelVersion string `json:"model_version"`
	// CalibrationHash is the hash of the calibration file in use.
	CalibrationHash string `json:"calibration_hash"`
	// Watermark says how far into the input the print has read.
	Watermark Watermark `json:"watermark"`
}

// SchemaName returns SchemaRiskComponent.
func (*RiskComponent) SchemaName() string { return SchemaRiskComponent }

// Key returns name/model_version/calibration_hash/watermark stream sequence.
func (e *RiskComponent) Key() string {
	return e.Name + "/" + (&RiskScore{ModelVersion: e.ModelVersion, CalibrationHash: e.CalibrationHash, Watermark: e.Watermark}).Key()
}

// Subject returns cw.risk.component.<name>.
func (e *RiskComponent) Subject() string { return SubjectComponent(e.Name) }

// Validate checks the name (a subject token), the score and confidence
// ranges and the model identification.
func (e *RiskComponent) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *RiskComponent) check(now time.Time, withID bool) error {
	if err := token("name", e.Name); err != nil {
		return err
	}
	if err := e.checkNumbers(""); err != nil {
		return err
	}
	if err := checkModel(e.ModelVersion, e.CalibrationHash); err != nil {
		return err
	}
	return e.validate(SchemaRiskComponent, e.Key(), now, withID)
}
