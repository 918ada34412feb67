-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_silver`.`emissions`
LOCATION 's3://gluelake-local-lake/silver/emissions/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
