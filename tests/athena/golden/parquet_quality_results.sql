-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_test_quality`.`quality_results` (
  `run_id` STRING,
  `zone` STRING,
  `suite` STRING,
  `expectation` STRING,
  `column_name` STRING,
  `severity` STRING,
  `success` BOOLEAN,
  `element_count` BIGINT,
  `unexpected_count` BIGINT,
  `unexpected_percent` DOUBLE,
  `observed_value` STRING,
  `validated_at` TIMESTAMP
)
COMMENT 'One row per expectation per validation run'
PARTITIONED BY (
  `dataset` STRING,
  `validation_date` STRING
)
STORED AS PARQUET
LOCATION 's3://test-lake/root/_quality/results/'
TBLPROPERTIES (
  'classification'='parquet',
  'projection.enabled'='true',
  'projection.dataset.type'='enum',
  'projection.dataset.values'='assessments,emission_factors,emissions,product_categories,products,sales',
  'projection.validation_date.type'='date',
  'projection.validation_date.format'='yyyy-MM-dd',
  'projection.validation_date.range'='2020-01-01,NOW',
  'projection.validation_date.interval'='1',
  'projection.validation_date.interval.unit'='DAYS',
  'storage.location.template'='s3://test-lake/root/_quality/results/dataset=${dataset}/validation_date=${validation_date}/'
);
