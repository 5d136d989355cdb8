CREATE TABLE IF NOT EXISTS carrywatch.venue_status_local ON CLUSTER carrywatch
(
    id           String,
    source       LowCardinality(String),
    observed_at  DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ingested_at  DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    stream_seq   UInt64,
    venue        LowCardinality(String),
    incident_id  String,
    action       LowCardinality(String),
    severity     LowCardinality(String),
    status       String,
    title        String,
    components   Array(String),
    started_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    resolved_at  Nullable(DateTime64(3, 'UTC')) CODEC(Delta, ZSTD(1)),
    inserted_at  DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/venue_status_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (venue, incident_id, observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.venue_status ON CLUSTER carrywatch AS carrywatch.venue_status_local
ENGINE = Distributed(carrywatch, carrywatch, venue_status_local, cityHash64(id))
;
