-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_bronze`.`assessments`
LOCATION 's3://gluelake-local-lake/bronze/assessments/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
