CREATE TABLE IF NOT EXISTS carrywatch.jgb_yields_local ON CLUSTER carrywatch
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/jgb_yields_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (tenor, observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.jgb_yields ON CLUSTER carrywatch AS carrywatch.jgb_yields_local
ENGINE = Distributed(carrywatch, carrywatch, jgb_yields_local, cityHash64(id))
;
