ALTER TABLE carrywatch.risk_scores
    ADD COLUMN IF NOT EXISTS etf_cost_basis_usd Nullable(Float64) CODEC(ZSTD(1)) AFTER explanation
;
DROP TABLE IF EXISTS carrywatch.v_risk_scores
;
CREATE VIEW IF NOT EXISTS carrywatch.v_risk_scores AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       `index`, regime, triggers, drivers, block_names, block_scores,
       block_contributions, model_version, calibration_hash, watermark_seq,
       watermark_time, explanation, etf_cost_basis_usd
FROM carrywatch.risk_scores FINAL
;
DROP TABLE IF EXISTS carrywatch.v_risk_index
;
CREATE VIEW IF NOT EXISTS carrywatch.v_risk_index AS
SELECT model_version, observed_at, `index`, regime, triggers, drivers,
       calibration_hash, watermark_seq, id, etf_cost_basis_usd
FROM carrywatch.risk_scores FINAL
ORDER BY model_version, observed_at
;
