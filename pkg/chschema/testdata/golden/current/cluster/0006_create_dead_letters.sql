CREATE TABLE IF NOT EXISTS carrywatch.dead_letters_local ON CLUSTER carrywatch
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/dead_letters_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (stage, observed_at, id)
TTL toDateTime(inserted_at) + INTERVAL 90 DAY
;
CREATE TABLE IF NOT EXISTS carrywatch.dead_letters ON CLUSTER carrywatch AS carrywatch.dead_letters_local
ENGINE = Distributed(carrywatch, carrywatch, dead_letters_local, cityHash64(id))
;
