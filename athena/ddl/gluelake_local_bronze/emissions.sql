-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_bronze`.`emissions`
LOCATION 's3://gluelake-local-lake/bronze/emissions/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
