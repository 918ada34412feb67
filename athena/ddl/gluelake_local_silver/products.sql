-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_silver`.`products`
LOCATION 's3://gluelake-local-lake/silver/products/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
