CREATE TABLE IF NOT EXISTS carrywatch.etf_flows_local ON CLUSTER carrywatch
(
    id           String,
    source       String,
    observed_at  UInt64,
    ingested_at  UInt64,
    stream_seq   UInt64,
    asset        String,
    ticker       String,
    trade_date   Date,
    flow_usd     Float64,
    aum_usd      Nullable(Float64),
    inserted_at  UInt64 DEFAULT toUInt64(now()) * 1000
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/etf_flows_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (asset, ticker, trade_date, source, observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.etf_flows ON CLUSTER carrywatch AS carrywatch.etf_flows_local
ENGINE = Distributed(carrywatch, carrywatch, etf_flows_local, cityHash64(id))
;
