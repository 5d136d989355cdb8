-- etf_flows: one row per fund and trading day (cw.events.etf.flow.<ticker>);
-- ticker TOTAL carries the day's sum over all funds of the asset.
-- Never edit once applied: add a new migration.
CREATE TABLE IF NOT EXISTS {{storage "etf_flows"}}{{onCluster}}
(
    id           String,
    source       {{lc "String"}},
    observed_at  {{ts}}{{codec "Delta, ZSTD(1)"}},
    ingested_at  {{ts}}{{codec "Delta, ZSTD(1)"}},
    stream_seq   UInt64,
    asset        {{lc "String"}},
    ticker       {{lc "String"}},
    trade_date   Date,
    flow_usd     Float64{{codec "ZSTD(1)"}},
    aum_usd      Nullable(Float64){{codec "ZSTD(1)"}},
    inserted_at  {{ts}} DEFAULT {{nowts}}{{codec "Delta, ZSTD(1)"}}
)
ENGINE = {{engine "etf_flows" "ReplacingMergeTree(ingested_at)"}}
PARTITION BY toYYYYMM({{todt "observed_at"}})
ORDER BY (asset, ticker, trade_date, source, observed_at, id)
;
-- On a cluster, the table readers and writers name: rows spread over the
-- shards by id, so every copy of one event lands on one shard.
{{distributed "etf_flows" "cityHash64(id)"}}
;
