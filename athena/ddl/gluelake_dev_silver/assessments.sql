-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_silver`.`assessments`
LOCATION 's3://gluelake-dev-lake/silver/assessments/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
