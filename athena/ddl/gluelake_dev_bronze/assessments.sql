-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_bronze`.`assessments`
LOCATION 's3://gluelake-dev-lake/bronze/assessments/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
