-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_gold`.`sales_by_department_monthly` (
  `department` STRING COMMENT 'Department the category reports to.',
  `revenue` DECIMAL(24, 2),
  `units` BIGINT,
  `lines` BIGINT,
  `_run_id` STRING COMMENT 'Run that wrote the row.',
  `_job_name` STRING COMMENT 'Job (stage) that wrote the row.',
  `_job_version` STRING COMMENT 'Version of the job script that wrote the row.',
  `_ingested_at` TIMESTAMP COMMENT 'When that run started (UTC).'
)
COMMENT 'Gross sales (returns excluded) per department and month.'
PARTITIONED BY (
  `year` INT COMMENT 'Year of the event time (UTC).',
  `month` INT COMMENT 'Month of the event time (UTC), 1-12.'
)
STORED AS PARQUET
LOCATION 's3://gluelake-prod-lake/gold/sales/sales_by_department_monthly/'
TBLPROPERTIES (
  'classification'='parquet',
  'projection.enabled'='true',
  'projection.year.type'='integer',
  'projection.year.range'='2000,2100',
  'projection.month.type'='integer',
  'projection.month.range'='1,12',
  'storage.location.template'='s3://gluelake-prod-lake/gold/sales/sales_by_department_monthly/year=${year}/month=${month}/'
);
