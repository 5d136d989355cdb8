-- Readable times in every view. Each timestamp column <col> of a view is
-- followed, at the end of the view's columns, by <col>_dt: the same instant
-- as a DateTime('UTC'), whole seconds, rendered {{dt "<col>"}}. On 18.16,
-- whose timestamps are UInt64 Unix milliseconds, that is what an analyst
-- reads; on current ClickHouse the DateTime64 column already reads as a
-- time, and <col>_dt is there too so that one query runs on both.
-- v_us_japan_2y_gap and v_usdjpy_returns have dates only and stay as they
-- are. 18.16 has no DROP VIEW: DROP TABLE drops a view on every server.
-- Never edit once applied: add a new migration.
DROP TABLE IF EXISTS {{.DB}}.v_jgb_yields{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_jgb_yields{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       tenor, tenor_months, yield_pct,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt
FROM {{.DB}}.jgb_yields FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_fed_odds{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_fed_odds{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       meeting, change_bp, probability, expected_change_bp,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt
FROM {{.DB}}.fed_odds FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_etf_flows{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_etf_flows{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       asset, ticker, trade_date, flow_usd, aum_usd,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt
FROM {{.DB}}.etf_flows FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_venue_status{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_venue_status{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       venue, incident_id, action, severity, status, title, components,
       started_at, resolved_at,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt,
       {{dt "started_at"}}  AS started_at_dt,
       {{dt "resolved_at"}} AS resolved_at_dt
FROM {{.DB}}.venue_status FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_risk_scores{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_risk_scores{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       `index`, regime, triggers, drivers, block_names, block_scores,
       block_contributions, model_version, calibration_hash, watermark_seq,
       watermark_time, explanation, etf_cost_basis_usd,
       {{dt "observed_at"}}    AS observed_at_dt,
       {{dt "ingested_at"}}    AS ingested_at_dt,
       {{dt "watermark_time"}} AS watermark_time_dt
FROM {{.DB}}.risk_scores FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_dead_letters{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_dead_letters{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       stage, original_subject, reason, code, payload, original_seq,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt
FROM {{.DB}}.dead_letters FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_fed_odds_outcomes{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_fed_odds_outcomes{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       meeting, change_bp, probability, expected_change_bp,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt
FROM {{.DB}}.fed_odds FINAL
ARRAY JOIN change_bp, probability
;
-- The _dt columns convert the aggregates themselves, not their aliases:
-- 18.16 substitutes an alias into an aggregate over the column of the same
-- name (see 0007).
DROP TABLE IF EXISTS {{.DB}}.v_venue_incidents{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_venue_incidents{{onCluster}} AS
SELECT
    venue,
    incident_id,
    argMax(s_action, (observed_at, stream_seq))     AS action,
    argMax(s_severity, (observed_at, stream_seq))   AS severity,
    argMax(s_status, (observed_at, stream_seq))     AS status,
    argMax(s_title, (observed_at, stream_seq))      AS title,
    argMax(s_components, (observed_at, stream_seq)) AS components,
    min(s_started_at)                               AS opened_at,
    max(s_resolved_at)                              AS resolved_at,
    min(observed_at)                                AS first_observed_at,
    max(observed_at)                                AS last_observed_at,
    count()                                         AS steps,
    action != 'resolve'                             AS is_open,
    {{dt "min(s_started_at)"}}  AS opened_at_dt,
    {{dt "max(s_resolved_at)"}} AS resolved_at_dt,
    {{dt "min(observed_at)"}}   AS first_observed_at_dt,
    {{dt "max(observed_at)"}}   AS last_observed_at_dt
FROM
(
    SELECT venue, incident_id, observed_at, stream_seq,
           action AS s_action, severity AS s_severity, status AS s_status,
           title AS s_title, components AS s_components,
           started_at AS s_started_at, resolved_at AS s_resolved_at
    FROM {{.DB}}.venue_status FINAL
)
GROUP BY venue, incident_id
;
DROP TABLE IF EXISTS {{.DB}}.v_etf_flows_total{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_etf_flows_total{{onCluster}} AS
SELECT asset, trade_date, flow_usd, aum_usd,
       id, source, observed_at, ingested_at, stream_seq,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt
FROM {{.DB}}.etf_flows FINAL
WHERE ticker = 'TOTAL'
ORDER BY asset, trade_date, observed_at DESC, id DESC
LIMIT 1 BY asset, trade_date
;
DROP TABLE IF EXISTS {{.DB}}.v_jgb_curve{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_jgb_curve{{onCluster}} AS
SELECT
    toDate({{todt "observed_at"}}) AS observed_date,
    if(countIf(tenor = '2Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '2Y'), NULL)   AS yield_2y_pct,
    if(countIf(tenor = '5Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '5Y'), NULL)   AS yield_5y_pct,
    if(countIf(tenor = '10Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '10Y'), NULL) AS yield_10y_pct,
    if(countIf(tenor = '30Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '30Y'), NULL) AS yield_30y_pct,
    max(observed_at) AS last_observed_at,
    {{dt "max(observed_at)"}} AS last_observed_at_dt
FROM {{.DB}}.jgb_yields FINAL
WHERE tenor IN ('2Y', '5Y', '10Y', '30Y')
GROUP BY observed_date
ORDER BY observed_date
;
DROP TABLE IF EXISTS {{.DB}}.v_market_quotes{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_market_quotes{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       instrument, value, unit, kind, derived_from,
       {{dt "observed_at"}} AS observed_at_dt,
       {{dt "ingested_at"}} AS ingested_at_dt
FROM {{.DB}}.market_quotes FINAL
;
DROP TABLE IF EXISTS {{.DB}}.v_market_latest{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_market_latest{{onCluster}} AS
SELECT instrument, value, unit, kind, source, observed_at, derived_from, id,
       {{dt "observed_at"}} AS observed_at_dt
FROM {{.DB}}.market_quotes FINAL
ORDER BY instrument, observed_at DESC, id DESC
LIMIT 1 BY instrument
;
DROP TABLE IF EXISTS {{.DB}}.v_market_daily{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_market_daily{{onCluster}} AS
SELECT
    instrument,
    toDate({{todt "observed_at"}})   AS observed_date,
    argMax(value, observed_at)     AS close,
    any(unit)                      AS unit,
    max(observed_at)               AS last_observed_at,
    count()                        AS observations,
    {{dt "max(observed_at)"}}      AS last_observed_at_dt
FROM {{.DB}}.market_quotes FINAL
GROUP BY instrument, observed_date
ORDER BY instrument, observed_date
;
DROP TABLE IF EXISTS {{.DB}}.v_risk_index{{onCluster}}
;
CREATE VIEW IF NOT EXISTS {{.DB}}.v_risk_index{{onCluster}} AS
SELECT model_version, observed_at, `index`, regime, triggers, drivers,
       calibration_hash, watermark_seq, id, etf_cost_basis_usd,
       {{dt "observed_at"}} AS observed_at_dt
FROM {{.DB}}.risk_scores FINAL
ORDER BY model_version, observed_at
;
