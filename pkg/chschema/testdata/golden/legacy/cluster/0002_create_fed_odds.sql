CREATE TABLE IF NOT EXISTS carrywatch.fed_odds_local ON CLUSTER carrywatch
(
    id                  String,
    source              String,
    observed_at         UInt64,
    ingested_at         UInt64,
    stream_seq          UInt64,
    meeting             Date,
    change_bp           Array(Int16),
    probability         Array(Float64),
    expected_change_bp  Float64,
    inserted_at         UInt64 DEFAULT toUInt64(now()) * 1000
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/carrywatch/fed_odds_local', '{replica}', ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (meeting, source, observed_at, id)
;
CREATE TABLE IF NOT EXISTS carrywatch.fed_odds ON CLUSTER carrywatch AS carrywatch.fed_odds_local
ENGINE = Distributed(carrywatch, carrywatch, fed_odds_local, cityHash64(id))
;
