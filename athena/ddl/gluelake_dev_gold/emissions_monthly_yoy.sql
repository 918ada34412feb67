-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_gold`.`emissions_monthly_yoy` (
  `tenant_id` STRING COMMENT 'Tenant (customer organisation) that reported the activity.',
  `scope` INT COMMENT 'GHG Protocol scope (1 direct, 2 purchased energy, 3 value chain).',
  `category` STRING COMMENT 'Reporting category (e.g. stationary_combustion, purchased_electricity).',
  `total_kg_co2e` DECIMAL(38, 6),
  `total_kg_co2e_prior_year` DECIMAL(38, 6),
  `total_kg_co2e_change` DECIMAL(38, 6),
  `total_kg_co2e_change_pct` DOUBLE,
  `_run_id` STRING COMMENT 'Run that wrote the row.',
  `_job_name` STRING COMMENT 'Job (stage) that wrote the row.',
  `_job_version` STRING COMMENT 'Version of the job script that wrote the row.',
  `_ingested_at` TIMESTAMP COMMENT 'When that run started (UTC).'
)
COMMENT 'emissions_monthly compared with the same period one year earlier'
PARTITIONED BY (
  `year` INT COMMENT 'Year of the event time (UTC).',
  `month` INT COMMENT 'Month of the event time (UTC), 1-12.'
)
STORED AS PARQUET
LOCATION 's3://gluelake-dev-lake/gold/emissions/emissions_monthly_yoy/'
TBLPROPERTIES (
  'classification'='parquet',
  'projection.enabled'='true',
  'projection.year.type'='integer',
  'projection.year.range'='2000,2100',
  'projection.month.type'='integer',
  'projection.month.range'='1,12',
  'storage.location.template'='s3://gluelake-dev-lake/gold/emissions/emissions_monthly_yoy/year=${year}/month=${month}/'
);
