-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_silver`.`assessments`
LOCATION 's3://gluelake-local-lake/silver/assessments/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
