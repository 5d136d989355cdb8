ALTER TABLE carrywatch.risk_scores_local ON CLUSTER carrywatch
    ADD COLUMN IF NOT EXISTS etf_cost_basis_usd Nullable(Float64) CODEC(ZSTD(1)) AFTER explanation
;
DROP TABLE IF EXISTS carrywatch.risk_scores ON CLUSTER carrywatch
;
CREATE TABLE IF NOT EXISTS carrywatch.risk_scores ON CLUSTER carrywatch AS carrywatch.risk_scores_local
ENGINE = Distributed(carrywatch, carrywatch, risk_scores_local, cityHash64(id))
;
DROP TABLE IF EXISTS carrywatch.v_risk_scores ON CLUSTER carrywatch
;
CREATE VIEW IF NOT EXISTS carrywatch.v_risk_scores ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       `index`, regime, triggers, drivers, block_names, block_scores,
       block_contributions, model_version, calibration_hash, watermark_seq,
       watermark_time, explanation, etf_cost_basis_usd
FROM carrywatch.risk_scores FINAL
;
DROP TABLE IF EXISTS carrywatch.v_risk_index ON CLUSTER carrywatch
;
CREATE VIEW IF NOT EXISTS carrywatch.v_risk_index ON CLUSTER carrywatch AS
SELECT model_version, observed_at, `index`, regime, triggers, drivers,
       calibration_hash, watermark_seq, id, etf_cost_basis_usd
FROM carrywatch.risk_scores FINAL
ORDER BY model_version, observed_at
;
