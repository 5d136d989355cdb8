CREATE TABLE IF NOT EXISTS carrywatch.market_quotes
(
    id            String,
    source        LowCardinality(String),
    observed_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ingested_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    stream_seq    UInt64,
    instrument    LowCardinality(String),
    value         Float64 CODEC(ZSTD(1)),
    unit          LowCardinality(String),
    kind          LowCardinality(String),
    derived_from  LowCardinality(String),
    inserted_at   DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (instrument, observed_at, source, id)
;
