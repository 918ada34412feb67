-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_quality`.`runs` (
  `seq` BIGINT COMMENT 'Position in the hash-chained audit log (0, 1, 2, ...).',
  `run_id` STRING,
  `job_name` STRING,
  `job_version` STRING,
  `dataset` STRING,
  `stage` STRING,
  `mode` STRING COMMENT 'incremental (new raw files only), backfill, full_refresh or full.',
  `status` STRING COMMENT 'succeeded, blocked (a quality gate failed; nothing published) or failed.',
  `error` STRING,
  `started_at` STRING COMMENT 'Run start, ISO-8601 UTC.',
  `ended_at` STRING COMMENT 'Run end, ISO-8601 UTC.',
  `run_date` STRING COMMENT 'Day the run started (UTC), yyyy-MM-dd.',
  `duration_seconds` DOUBLE,
  `rows_read` BIGINT,
  `accepted` BIGINT,
  `quarantined` BIGINT,
  `duplicates_dropped` BIGINT,
  `inserted` BIGINT,
  `updated` BIGINT,
  `deleted` BIGINT,
  `unchanged` BIGINT,
  `rows_in_table` BIGINT,
  `reconciled` BOOLEAN COMMENT 'rows_read = accepted + quarantined + duplicates_dropped.',
  `quarantine_reasons` ARRAY<STRUCT<reason: STRING, row_count: BIGINT>>,
  `input_files` ARRAY<STRUCT<path: STRING, size: BIGINT, sha256: STRING>> COMMENT 'Raw files read, path relative to the lake root, with size and SHA-256.',
  `input_tables` ARRAY<STRUCT<name: STRING, version: BIGINT>> COMMENT 'Lake tables read, with the Delta version read.',
  `gates` ARRAY<
    STRUCT<
      name: STRING,
      zone: STRING,
      passed: BOOLEAN,
      expectations: INT,
      failed: INT,
      warnings: INT,
      report: STRING
    >
  > COMMENT 'Quality gate outcomes, with where the HTML report is.',
  `record_format` INT,
  `prev_hash` STRING COMMENT 'record_hash of the previous log entry (64 zeros for the first).',
  `record_hash` STRING COMMENT 'SHA-256 of the canonical JSON of this entry without record_hash.'
)
COMMENT 'One record per job run, hash-chained (gluelake audit verify)'
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://gluelake-local-lake/_runs/log/'
TBLPROPERTIES (
  'classification'='json'
);
