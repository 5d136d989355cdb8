CREATE TABLE IF NOT EXISTS carrywatch.dead_letters_local ON CLUSTER carrywatch
(
    id                String,
    source            String,
    observed_at       UInt64,
    ingested_at       UInt64,
    stream_seq        UInt64,
    stage             String,
    original_subject  String,
    reason            String,
    code              String,
    payload           String,
    original_seq      UInt64,
    inserted_at       UInt64 DEFAULT toUInt64(now()) * 1000
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/dead_letters_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (stage, observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.dead_letters ON CLUSTER carrywatch AS carrywatch.dead_letters_local
ENGINE = Distributed(carrywatch, carrywatch, dead_letters_local, cityHash64(id))
;
