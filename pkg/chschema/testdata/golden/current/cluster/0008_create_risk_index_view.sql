CREATE VIEW IF NOT EXISTS carrywatch.v_risk_index ON CLUSTER carrywatch AS
SELECT model_version, observed_at, `index`, regime, triggers, drivers,
       calibration_hash, watermark_seq, id
FROM carrywatch.risk_scores FINAL
ORDER BY model_version, observed_at
;
