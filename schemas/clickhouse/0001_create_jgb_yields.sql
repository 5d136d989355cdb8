-- jgb_yields: one row per JGB yield observation (cw.events.jgb.yield.<tenor>).
-- Rendered by pkg/chfx for a single server or a cluster (text/template, see
-- README.md); statements end at a line holding only ";". Never edit once
-- applied: add a new migration.
CREATE TABLE IF NOT EXISTS {{storage "jgb_yields"}}{{onCluster}}
(
    id            String,
    source        {{lc "String"}},
    observed_at   {{ts}}{{codec "Delta, ZSTD(1)"}},
    ingested_at   {{ts}}{{codec "Delta, ZSTD(1)"}},
    stream_seq    UInt64,
    tenor         {{lc "String"}},
    tenor_months  UInt16,
    yield_pct     Float64{{codec "ZSTD(1)"}},
    inserted_at   {{ts}} DEFAULT {{nowts}}{{codec "Delta, ZSTD(1)"}}
)
ENGINE = {{engine "jgb_yields" "ReplacingMergeTree(ingested_at)"}}
PARTITION BY toYYYYMM({{todt "observed_at"}})
ORDER BY (tenor, observed_at, id)
;
-- On a cluster, the table readers and writers name: rows spread over the
-- shards by id, so every copy of one event lands on one shard.
{{distributed "jgb_yields" "cityHash64(id)"}}
;
