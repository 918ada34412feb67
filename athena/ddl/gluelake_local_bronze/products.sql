-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_bronze`.`products`
LOCATION 's3://gluelake-local-lake/bronze/products/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
