CREATE TABLE IF NOT EXISTS carrywatch.fed_odds
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
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(observed_at)
ORDER BY (meeting, source, observed_at, id)
;
