CREATE VIEW IF NOT EXISTS carrywatch.v_jgb_yields ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       tenor, tenor_months, yield_pct
FROM carrywatch.jgb_yields FINAL
;
CREATE VIEW IF NOT EXISTS carrywatch.v_fed_odds ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       meeting, change_bp, probability, expected_change_bp
FROM carrywatch.fed_odds FINAL
;
CREATE VIEW IF NOT EXISTS carrywatch.v_etf_flows ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       asset, ticker, trade_date, flow_usd, aum_usd
FROM carrywatch.etf_flows FINAL
;
CREATE VIEW IF NOT EXISTS carrywatch.v_venue_status ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       venue, incident_id, action, severity, status, title, components,
       started_at, resolved_at
FROM carrywatch.venue_status FINAL
;
CREATE VIEW IF NOT EXISTS carrywatch.v_risk_scores ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       `index`, regime, triggers, drivers, block_names, block_scores,
       block_contributions, model_version, calibration_hash, watermark_seq,
       watermark_time, explanation
FROM carrywatch.risk_scores FINAL
;
CREATE VIEW IF NOT EXISTS carrywatch.v_dead_letters ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       stage, original_subject, reason, code, payload, original_seq
FROM carrywatch.dead_letters FINAL
;
CREATE VIEW IF NOT EXISTS carrywatch.v_fed_odds_outcomes ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       meeting, change_bp, probability, expected_change_bp
FROM carrywatch.fed_odds FINAL
ARRAY JOIN change_bp, probability
;
CREATE VIEW IF NOT EXISTS carrywatch.v_venue_incidents ON CLUSTER carrywatch AS
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
    action != 'resolve'                             AS is_open
FROM
(
    SELECT venue, incident_id, observed_at, stream_seq,
           action AS s_action, severity AS s_severity, status AS s_status,
           title AS s_title, components AS s_components,
           started_at AS s_started_at, resolved_at AS s_resolved_at
    FROM carrywatch.venue_status FINAL
)
GROUP BY venue, incident_id
;
CREATE VIEW IF NOT EXISTS carrywatch.v_etf_flows_total ON CLUSTER carrywatch AS
SELECT asset, trade_date, flow_usd, aum_usd,
       id, source, observed_at, ingested_at, stream_seq
FROM carrywatch.etf_flows FINAL
WHERE ticker = 'TOTAL'
ORDER BY asset, trade_date, observed_at DESC, id DESC
LIMIT 1 BY asset, trade_date
;
CREATE VIEW IF NOT EXISTS carrywatch.v_jgb_curve ON CLUSTER carrywatch AS
SELECT
    toDate(toDateTime(intDiv(observed_at, 1000), 'UTC')) AS observed_date,
    if(countIf(tenor = '2Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '2Y'), NULL)   AS yield_2y_pct,
    if(countIf(tenor = '5Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '5Y'), NULL)   AS yield_5y_pct,
    if(countIf(tenor = '10Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '10Y'), NULL) AS yield_10y_pct,
    if(countIf(tenor = '30Y') > 0, argMaxIf(yield_pct, observed_at, tenor = '30Y'), NULL) AS yield_30y_pct,
    max(observed_at) AS last_observed_at
FROM carrywatch.jgb_yields FINAL
WHERE tenor IN ('2Y', '5Y', '10Y', '30Y')
GROUP BY observed_date
ORDER BY observed_date
;
