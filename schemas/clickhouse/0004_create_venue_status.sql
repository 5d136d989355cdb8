-- venue_status: one row per step (open, update, resolve) of an outage, halt
-- or incident on a trading venue (cw.events.venue.status.<venue>).
-- Never edit once applied: add a new migration.
CREATE TABLE IF NOT EXISTS {{storage "venue_status"}}{{onCluster}}
(
    id           String,
    source       {{lc "String"}},
    observed_at  {{ts}}{{codec "Delta, ZSTD(1)"}},
    ingested_at  {{ts}}{{codec "Delta, ZSTD(1)"}},
    stream_seq   UInt64,
    venue        {{lc "String"}},
    incident_id  String,
    action       {{lc "String"}},
    severity     {{lc "String"}},
    status       String,
    title        String,
    components   Array(String),
    started_at   {{ts}}{{codec "Delta, ZSTD(1)"}},
    resolved_at  Nullable({{ts}}){{codec "Delta, ZSTD(1)"}},
    inserted_at  {{ts}} DEFAULT {{nowts}}{{codec "Delta, ZSTD(1)"}}
)
ENGINE = {{engine "venue_status" "ReplacingMergeTree(ingested_at)"}}
PARTITION BY toYYYYMM({{todt "observed_at"}})
ORDER BY (venue, incident_id, observed_at, id)
;
-- On a cluster, the table readers and writers name: rows spread over the
-- shards by id, so every copy of one event lands on one shard.
{{distributed "venue_status" "cityHash64(id)"}}
;
