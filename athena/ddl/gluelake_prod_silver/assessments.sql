-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_silver`.`assessments`
LOCATION 's3://gluelake-prod-lake/silver/assessments/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
