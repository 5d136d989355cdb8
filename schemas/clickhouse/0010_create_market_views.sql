-- Market views. Every one runs on 18.16 and on current ClickHouse: no
-- window functions (18.16 has none), arrays instead.
-- Never edit once applied: add a new migration (DROP VIEW IF EXISTS, CREATE).
CREATE VIEW IF NOT EXISTS {{.DB}}.v_market_quotes{{onCluster}} AS
SELECT id, source, observed_at, ingested_at, stream_seq,
       instrument, value, unit, kind, derived_from
FROM {{.DB}}.market_quotes FINAL
;
-- One row per instrument: its latest observation.
CREATE VIEW IF NOT EXISTS {{.DB}}.v_market_latest{{onCluster}} AS
SELECT instrument, value, unit, kind, source, observed_at, derived_from, id
FROM {{.DB}}.market_quotes FINAL
ORDER BY instrument, observed_at DESC, id DESC
LIMIT 1 BY instrument
;
-- One row per instrument and observation date (UTC): the day's last
-- observation, its time and how many there were.
CREATE VIEW IF NOT EXISTS {{.DB}}.v_market_daily{{onCluster}} AS
SELECT
    instrument,
    toDate({{todt "observed_at"}})   AS observed_date,
    argMax(value, observed_at)     AS close,
    any(unit)                      AS unit,
    max(observed_at)               AS last_observed_at,
    count()                        AS observations
FROM {{.DB}}.market_quotes FINAL
GROUP BY instrument, observed_date
ORDER BY instrument, observed_date
;
-- One row per date with both a UST 2-year close and a JGB 2-year yield:
-- the US–Japan 2-year gap in percentage points (narrowing = the carry
-- trade's cushion shrinking).
CREATE VIEW IF NOT EXISTS {{.DB}}.v_us_japan_2y_gap{{onCluster}} AS
SELECT observed_date, ust_2y_pct, jgb_2y_pct, ust_2y_pct - jgb_2y_pct AS gap_pct
FROM
(
    SELECT toDate({{todt "observed_at"}}) AS observed_date,
           argMax(value, observed_at) AS ust_2y_pct
    FROM {{.DB}}.market_quotes FINAL
    WHERE instrument = 'UST2Y'
    GROUP BY observed_date
) AS ust
ANY INNER JOIN
(
    SELECT toDate({{todt "observed_at"}}) AS observed_date,
           argMax(yield_pct, observed_at) AS jgb_2y_pct
    FROM {{.DB}}.jgb_yields FINAL
    WHERE tenor = '2Y'
    GROUP BY observed_date
) AS jgb USING observed_date
ORDER BY observed_date
;
-- One row per USDJPY observation date after the first: the daily close,
-- the previous close and the log return between them (positive = the
-- dollar up, the yen down; a carry unwind shows as a large negative one).
CREATE VIEW IF NOT EXISTS {{.DB}}.v_usdjpy_returns{{onCluster}} AS
SELECT observed_date, close, prev_close, log(close / prev_close) AS log_return
FROM
(
    SELECT arraySort(groupArray((d, c))) AS days
    FROM
    (
        SELECT toDate({{todt "observed_at"}}) AS d, argMax(value, observed_at) AS c
        FROM {{.DB}}.market_quotes FINAL
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
