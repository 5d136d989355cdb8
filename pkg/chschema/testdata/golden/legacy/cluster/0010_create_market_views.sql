CREATE VIEW IF NOT EXISTS carrywatch.v_market_quotes ON CLUSTER carrywatch AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       instrument, value, unit, kind, derived_from
FROM carrywatch.market_quotes FINAL
;
CREATE VIEW IF NOT EXISTS carrywatch.v_market_latest ON CLUSTER carrywatch AS
SELECT instrument, value, unit, kind, source, observed_at, derived_from, id
FROM carrywatch.market_quotes FINAL
ORDER BY instrument, observed_at DESC, id DESC
LIMIT 1 BY instrument
;
CREATE VIEW IF NOT EXISTS carrywatch.v_market_daily ON CLUSTER carrywatch AS
SELECT
    instrument,
    toDate(toDateTime(intDiv(observed_at, 1000), 'UTC'))   AS observed_date,
    argMax(value, observed_at)     AS close,
    any(unit)                      AS unit,
    max(observed_at)               AS last_observed_at,
    count()                        AS observations
FROM carrywatch.market_quotes FINAL
GROUP BY instrument, observed_date
ORDER BY instrument, observed_date
;
CREATE VIEW IF NOT EXISTS carrywatch.v_us_japan_2y_gap ON CLUSTER carrywatch AS
SELECT observed_date, ust_2y_pct, jgb_2y_pct, ust_2y_pct - jgb_2y_pct AS gap_pct
FROM
(
    SELECT toDate(toDateTime(intDiv(observed_at, 1000), 'UTC')) AS observed_date,
           argMax(value, observed_at) AS ust_2y_pct
    FROM carrywatch.market_quotes FINAL
    WHERE instrument = 'UST2Y'
    GROUP BY observed_date
) AS ust
ANY INNER JOIN
(
    SELECT toDate(toDateTime(intDiv(observed_at, 1000), 'UTC')) AS observed_date,
           argMax(yield_pct, observed_at) AS jgb_2y_pct
    FROM carrywatch.jgb_yields FINAL
    WHERE tenor = '2Y'
    GROUP BY observed_date
) AS jgb USING observed_date
ORDER BY observed_date
;
CREATE VIEW IF NOT EXISTS carrywatch.v_usdjpy_returns ON CLUSTER carrywatch AS
SELECT observed_date, close, prev_close, log(close / prev_close) AS log_return
FROM
(
    SELECT arraySort(groupArray((d, c))) AS days
    FROM
    (
        SELECT toDate(toDateTime(intDiv(observed_at, 1000), 'UTC')) AS d, argMax(value, observed_at) AS c
        FROM carrywatch.market_quotes FINAL
        WHERE instrument = 'USDJPY'
        GROUP BY d
    )
)
ARRAY JOIN
    arrayPopFront(arrayMap(x -> x.1, days))  AS observed_date,
    arrayPopFront(arrayMap(x -> x.2, days))  AS close,
    arrayPopBack(arrayMap(x -> x.2, days))   AS prev_close
ORDER BY observed_date
;
