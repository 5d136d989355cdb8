CREATE DATABASE IF NOT EXISTS carrywatch
;
CREATE TABLE IF NOT EXISTS carrywatch.schema_migrations
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime,
    keep_rank  UInt32 MATERIALIZED 4294967295 - toUInt32(applied_at)
)
ENGINE = ReplacingMergeTree(keep_rank)
ORDER BY version
;
