-- market_quotes: one row per market observation
-- (cw.events.market.quote.<instrument>): USDJPY, UST2Y, UST10Y, BTC-USD,
-- VIX or another configured instrument, in its unit, as a close, a fixing
-- or a last price. Never edit once applied: add a new migration.
CREATE TABLE IF NOT EXISTS {{storage "market_quotes"}}{{onCluster}}
(
    id            String,
    source        {{lc "String"}},
    observed_at   {{ts}}{{codec "Delta, ZSTD(1)"}},
    ingested_at   {{ts}}{{codec "Delta, ZSTD(1)"}},
    stream_seq    UInt64,
    instrument    {{lc "String"}},
    value         Float64{{codec "ZSTD(1)"}},
    unit          {{lc "String"}},
    kind          {{lc "String"}},
    derived_from  {{lc "String"}},
    inserted_at   {{ts}} DEFAULT {{nowts}}{{codec "Delta, ZSTD(1)"}}
)
ENGINE = {{engine "market_quotes" "ReplacingMergeTree(ingested_at)"}}
PARTITION BY toYYYYMM({{todt "observed_at"}})
ORDER BY (instrument, observed_at, source, id)
;
-- On a cluster, the table readers and writers name: rows spread over the
-- shards by id, so every copy of one event lands on one shard.
{{distributed "market_quotes" "cityHash64(id)"}}
;
