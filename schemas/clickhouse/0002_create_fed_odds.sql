-- fed_odds: one row per FOMC outcome distribution (cw.events.fed.odds.<meeting>);
-- outcome i is (change_bp[i], probability[i]).
-- Never edit once applied: add a new migration.
CREATE TABLE IF NOT EXISTS {{storage "fed_odds"}}{{onCluster}}
(
    id                  String,
    source              {{lc "String"}},
    observed_at         {{ts}}{{codec "Delta, ZSTD(1)"}},
    ingested_at         {{ts}}{{codec "Delta, ZSTD(1)"}},
    stream_seq          UInt64,
    meeting             Date,
    change_bp           Array(Int16),
    probability         Array(Float64),
    expected_change_bp  Float64{{codec "ZSTD(1)"}},
    inserted_at         {{ts}} DEFAULT {{nowts}}{{codec "Delta, ZSTD(1)"}}
)
ENGINE = {{engine "fed_odds" "ReplacingMergeTree(ingested_at)"}}
PARTITION BY toYYYYMM({{todt "observed_at"}})
ORDER BY (meeting, source, observed_at, id)
;
-- On a cluster, the table readers and writers name: rows spread over the
-- shards by id, so every copy of one event lands on one shard.
{{distributed "fed_odds" "cityHash64(id)"}}
;
