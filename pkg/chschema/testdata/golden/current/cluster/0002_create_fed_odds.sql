CREATE TABLE IF NOT EXISTS carrywatch.fed_odds_local ON CLUSTER carrywatch
(
    id                  String,
    source              LowCardinality(String),
    observed_at         DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ingested_at         DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    stream_seq          UInt64,
    meeting             Date,
    change_bp           Array(Int16),
    probability         Array(Float64),
    expected_change_bp  Float64 CODEC(ZSTD(1)),
    inserted_at         DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/fed_odds_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (meeting, source, observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.fed_odds ON CLUSTER carrywatch AS carrywatch.fed_odds_local
ENGINE = Distributed(carrywatch, carrywatch, fed_odds_local, cityHash64(id))
;
