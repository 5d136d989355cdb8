-- v_risk_index: the CLRI at any instant. One row per print, de-duplicated,
-- ordered by (model_version, observed_at): join any table to it with
--   ASOF LEFT JOIN v_risk_index r ON r.model_version = x.model_version AND x.observed_at >= r.observed_at
-- to read the index in force when each row was observed (ClickHouse 19.13+;
-- see README.md for a full example).
-- Never edit once applied: add a new migration.
CREATE VIEW IF NOT EXISTS {{.DB}}.v_risk_index{{onCluster}} AS
SELECT model_version, observed_at, `index`, regime, triggers, drivers,
       calibration_hash, watermark_seq, id
FROM {{.DB}}.risk_scores FINAL
ORDER BY model_version, observed_at
;
