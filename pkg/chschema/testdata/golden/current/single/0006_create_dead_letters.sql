CREATE TABLE IF NOT EXISTS carrywatch.dead_letters
(
    id                String,
    source            LowCardinality(String),
    observed_at       DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ingested_at       DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    stream_seq        UInt64,
    stage             LowCardinality(String),
    original_subject  String,
    reason            String,
    code              LowCardinality(String),
    payload           String CODEC(ZSTD(3)),
    original_seq      UInt64,
    inserted_at       DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (stage, observed_at, id)
TTL toDateTime(inserted_at) + INTERVAL 90 DAY
;
