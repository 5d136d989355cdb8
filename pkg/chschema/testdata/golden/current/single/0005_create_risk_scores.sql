CREATE TABLE IF NOT EXISTS carrywatch.risk_scores
(
    id                   String,
    source               LowCardinality(String),
    observed_at          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ingested_at          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    stream_seq           UInt64,
    `index`              Float64 CODEC(ZSTD(1)),
    regime               LowCardinality(String),
    triggers             Array(String),
    drivers              Array(String),
    block_names          Array(String),
    block_scores         Array(Float64),
    block_contributions  Array(Float64),
    model_version        LowCardinality(String),
    calibration_hash     String,
    watermark_seq        UInt64,
    watermark_time       DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    explanation          String CODEC(ZSTD(3)),
    inserted_at          DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (observed_at, id)
;
