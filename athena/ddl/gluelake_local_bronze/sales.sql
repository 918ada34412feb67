-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_bronze`.`sales`
LOCATION 's3://gluelake-local-lake/bronze/sales/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
