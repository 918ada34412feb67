-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_gold`.`assessments_daily` (
  `type` STRING,
  `region` STRING,
  `day` INT COMMENT 'Day of month of the event time (UTC).',
  `attempts` BIGINT,
  `users` BIGINT,
  `avg_score` DECIMAL(9, 6),
  `min_score` DECIMAL(5, 2),
  `max_score` DECIMAL(5, 2),
  `total_duration_seconds` BIGINT,
  `_run_id` STRING COMMENT 'Run that wrote the row.',
  `_job_name` STRING COMMENT 'Job (stage) that wrote the row.',
  `_job_version` STRING COMMENT 'Version of the job script that wrote the row.',
  `_ingested_at` TIMESTAMP COMMENT 'When that run started (UTC).'
)
COMMENT 'Daily attempts, scores and durations by assessment type and region.'
PARTITIONED BY (
  `year` INT COMMENT 'Year of the event time (UTC).',
  `month` INT COMMENT 'Month of the event time (UTC), 1-12.'
)
STORED AS PARQUET
LOCATION 's3://gluelake-prod-lake/gold/assessments/assessments_daily/'
TBLPROPERTIES (
  'classification'='parquet',
  'projection.enabled'='true',
  'projection.year.type'='integer',
  'projection.year.range'='2000,2100',
  'projection.month.type'='integer',
  'projection.month.range'='1,12',
  'storage.location.template'='s3://gluelake-prod-lake/gold/assessments/assessments_daily/year=${year}/month=${month}/'
);
