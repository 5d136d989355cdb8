CREATE TABLE IF NOT EXISTS carrywatch.market_quotes
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
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(observed_at, 1000), 'UTC'))
ORDER BY (instrument, observed_at, source, id)
;
