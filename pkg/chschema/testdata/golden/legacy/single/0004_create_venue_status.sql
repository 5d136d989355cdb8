CREATE TABLE IF NOT EXISTS carrywatch.venue_status
(
    id           String,
    source       String,
    observed_at  UInt64,
    ingested_at  UInt64,
    stream_seq   UInt64,
    venue        String,
    incident_id  String,
    action       String,
    severity     String,
    status       String,
    title        String,
    components   Array(String),
    started_at   UInt64,
    resolved_at  Nullable(UInt64),
    inserted_at  UInt64 DEFAULT toUInt64(now()) * 1000
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (venue, incident_id, observed_at, id)
;
