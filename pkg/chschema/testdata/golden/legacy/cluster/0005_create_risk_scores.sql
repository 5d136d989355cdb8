CREATE TABLE IF NOT EXISTS carrywatch.risk_scores_local ON CLUSTER carrywatch
(
    id                   String,
    source               String,
    observed_at          UInt64,
    ingested_at          UInt64,
    stream_seq           UInt64,
    `index`              Float64,
    regime               String,
    triggers             Array(String),
    drivers              Array(String),
    block_names          Array(String),
    block_scores         Array(Float64),
    block_contributions  Array(Float64),
    model_version        String,
    calibration_hash     String,
    watermark_seq        UInt64,
    watermark_time       UInt64,
    explanation          String,
    inserted_at          UInt64 DEFAULT toUInt64(now()) * 1000
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/risk_scores_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.risk_scores ON CLUSTER carrywatch AS carrywatch.risk_scores_local
ENGINE = Distributed(carrywatch, carrywatch, risk_scores_local, cityHash64(id))
;
