CREATE TABLE IF NOT EXISTS carrywatch.jgb_yields
(
    id            String,
    source        LowCardinality(String),
    observed_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ingested_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    stream_seq    UInt64,
    tenor         LowCardinality(String),
    tenor_months  UInt16,
    yield_pct     Float64 CODEC(ZSTD(1)),
    inserted_at   DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (tenor, observed_at, id)
;
