CREATE DATABASE IF NOT EXISTS carrywatch ON CLUSTER carrywatch
;
CREATE TABLE IF NOT EXISTS carrywatch.schema_migrations ON CLUSTER carrywatch
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime,
    keep_rank  UInt32 MATERIALIZED 4294967295 - toUInt32(applied_at)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/carrywatch/schema_migrations', '{replica}', keep_rank)
ORDER BY version
;
