-- risk_scores.etf_cost_basis_usd: the flow-weighted cost basis of US spot
-- BTC ETFs a print carries, in USD per BTC; NULL for a print without one
-- (every print stored before this column). v_risk_scores and v_risk_index
-- show it, so the cost basis in force can be read next to any price.
-- The ALTERs are idempotent on every server: ADD COLUMN IF NOT EXISTS where
-- the server has it; elsewhere Migrate takes "column already exists" for
-- done. 18.16 has no DROP VIEW: DROP TABLE drops a view on every server.
-- Never edit once applied: add a new migration.
ALTER TABLE {{storage "risk_scores"}}{{onCluster}}
    {{addColumn}} etf_cost_basis_usd Nullable(Float64){{codec "ZSTD(1)"}} AFTER explanation
;
-- On a cluster, the Distributed table readers and writers name is created
-- again from risk_scores_local, column included: servers refuse ALTER ON
-- CLUSTER of a table that is not replicated when the shards replicate
-- internally. It stores nothing (the sink inserts synchronously), so
-- dropping it loses no row.
{{if .Cluster}}DROP TABLE IF EXISTS {{.DB}}.risk_scores{{onCluster}}{{end}}
;
{{distributed "risk_scores" "cityHash64(id)"}}
;
DROP TABLE IF EXISTS {{.DB}}.v_risk_scores{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_risk_scores{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       `index`, regime, triggers, drivers, block_names, block_scores,
       block_contributions, model_version, calibration_hash, watermark_seq,
       watermark_time, explanation, etf_cost_basis_usd
FROM {{.DB}}.risk_scores FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_risk_index{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_risk_index{{onCluster}} AS
SELECT model_version, observed_at, `index`, regime, triggers, drivers,
       calibration_hash, watermark_seq, id, etf_cost_basis_usd
FROM {{.DB}}.risk_scores FINAL
ORDER BY model_version, observed_at
;
