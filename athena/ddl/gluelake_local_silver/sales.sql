-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_silver`.`sales`
LOCATION 's3://gluelake-local-lake/silver/sales/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
