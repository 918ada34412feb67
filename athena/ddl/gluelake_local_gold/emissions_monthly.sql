-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_gold`.`emissions_monthly` (
  `tenant_id` STRING COMMENT 'Tenant (customer organisation) that reported the activity.',
  `scope` INT COMMENT 'GHG Protocol scope (1 direct, 2 purchased energy, 3 value chain).',
  `category` STRING COMMENT 'Reporting category (e.g. stationary_combustion, purchased_electricity).',
  `total_kg_co2e` DECIMAL(38, 6),
  `record_count` BIGINT,
  `activity_types` BIGINT,
  `min_kg_co2e` DECIMAL(28, 6),
  `max_kg_co2e` DECIMAL(28, 6),
  `avg_kg_co2e` DECIMAL(32, 10),
  `_run_id` STRING COMMENT 'Run that wrote the row.',
  `_job_name` STRING COMMENT 'Job (stage) that wrote the row.',
  `_job_version` STRING COMMENT 'Version of the job script that wrote the row.',
  `_ingested_at` TIMESTAMP COMMENT 'When that run started (UTC).'
)
COMMENT 'Emissions by tenant, scope and category per month.'
PARTITIONED BY (
  `year` INT COMMENT 'Year of the event time (UTC).',
  `month` INT COMMENT 'Month of the event time (UTC), 1-12.'
)
STORED AS PARQUET
LOCATION 's3://gluelake-local-lake/gold/emissions/emissions_monthly/'
TBLPROPERTIES (
  'classification'='parquet',
  'projection.enabled'='true',
  'projection.year.type'='integer',
  'projection.year.range'='2000,2100',
  'projection.month.type'='integer',
  'projection.month.range'='1,12',
  'storage.location.template'='s3://gluelake-local-lake/gold/emissions/emissions_monthly/year=${year}/month=${month}/'
);
