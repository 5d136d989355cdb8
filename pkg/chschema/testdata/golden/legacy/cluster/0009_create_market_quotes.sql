CREATE TABLE IF NOT EXISTS carrywatch.market_quotes_local ON CLUSTER carrywatch
(
    id            String,
    source        String,
    observed_at   UInt64,
    ingested_at   UInt64,
    stream_seq    UInt64,
    instrument    String,
    value         Float64,
    unit          String,
    kind          String,
    derived_from  String,
    inserted_at   UInt64 DEFAULT toUInt64(now()) * 1000
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/market_quotes_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (instrument, observed_at, source, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.market_quotes ON CLUSTER carrywatch AS carrywatch.market_quotes_local
ENGINE = Distributed(carrywatch, carrywatch, market_quotes_local, cityHash64(id))
;
