-- dead_letters: one row per message a stage rejected (cw.dlq.<stage>), with
-- the original bytes. Expires 90 days after it was stored (inserted_at, not
-- the original observation time, so replaying an old episode keeps them)
-- where the server supports TTL.
-- Never edit once applied: add a new migration.
CREATE TABLE IF NOT EXISTS {{storage "dead_letters"}}{{onCluster}}
(
    id                String,
    source            {{lc "String"}},
    observed_at       {{ts}}{{codec "Delta, ZSTD(1)"}},
    ingested_at       {{ts}}{{codec "Delta, ZSTD(1)"}},
    stream_seq        UInt64,
    stage             {{lc "String"}},
    original_subject  String,
    reason            String,
    code              {{lc "String"}},
    payload           String{{codec "ZSTD(3)"}},
    original_seq      UInt64,
    inserted_at       {{ts}} DEFAULT {{nowts}}{{codec "Delta, ZSTD(1)"}}
)
ENGINE = {{engine "dead_letters" "ReplacingMergeTree(ingested_at)"}}
PARTITION BY toYYYYMM({{todt "observed_at"}})
ORDER BY (stage, observed_at, id)
{{ttl "inserted_at" 90}}
;
-- On a cluster, the table readers and writers name: rows spread over the
-- shards by id, so every copy of one event lands on one shard.
{{distributed "dead_letters" "cityHash64(id)"}}
;
