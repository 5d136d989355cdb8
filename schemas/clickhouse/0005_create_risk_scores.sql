-- risk_scores: one row per print of the risk index (cw.risk.score).
-- "index" is a keyword in DDL, hence the backticks.
-- Never edit once applied: add a new migration.
CREATE TABLE IF NOT EXISTS {{storage "risk_scores"}}{{onCluster}}
(
    id                   String,
    source               {{lc "String"}},
    observed_at          {{ts}}{{codec "Delta, ZSTD(1)"}},
    ingested_at          {{ts}}{{codec "Delta, ZSTD(1)"}},
    stream_seq           UInt64,
    `index`              Float64{{codec "ZSTD(1)"}},
    regime               {{lc "String"}},
    triggers             Array(String),
    drivers              Array(String),
    block_names          Array(String),
    block_scores         Array(Float64),
    block_contributions  Array(Float64),
    model_version        {{lc "String"}},
    calibration_hash     String,
    watermark_seq        UInt64,
    watermark_time       {{ts}}{{codec "Delta, ZSTD(1)"}},
    explanation          String{{codec "ZSTD(3)"}},
    inserted_at          {{ts}} DEFAULT {{nowts}}{{codec "Delta, ZSTD(1)"}}
)
ENGINE = {{engine "risk_scores" "ReplacingMergeTree(ingested_at)"}}
PARTITION BY toYYYYMM({{todt "observed_at"}})
ORDER BY (observed_at, id)
;
-- On a cluster, the table readers and writers name: rows spread over the
-- shards by id, so every copy of one event lands on one shard.
{{distributed "risk_scores" "cityHash64(id)"}}
;
