CREATE TABLE IF NOT EXISTS carrywatch.dead_letters
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
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (stage, observed_at, id)
;
