CREATE TABLE IF NOT EXISTS carrywatch.jgb_yields_local ON CLUSTER carrywatch
(
    id            String,
    source        String,
    observed_at   UInt64,
    ingested_at   UInt64,
    stream_seq    UInt64,
    tenor         String,
    tenor_months  UInt16,
    yield_pct     Float64,
    inserted_at   UInt64 DEFAULT toUInt64(now()) * 1000
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/jgb_yields_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (tenor, observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.jgb_yields ON CLUSTER carrywatch AS carrywatch.jgb_yields_local
ENGINE = Distributed(carrywatch, carrywatch, jgb_yields_local, cityHash64(id))
;
