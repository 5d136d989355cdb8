CREATE TABLE IF NOT EXISTS carrywatch.etf_flows
(
    id           String,
    source       LowCardinality(String),
    observed_at  DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ingested_at  DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    stream_seq   UInt64,
    asset        LowCardinality(String),
    ticker       LowCardinality(String),
    trade_date   Date,
    flow_usd     Float64 CODEC(ZSTD(1)),
    aum_usd      Nullable(Float64) CODEC(ZSTD(1)),
    inserted_at  DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (asset, ticker, trade_date, source, observed_at, id)
;
