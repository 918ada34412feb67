-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_silver`.`products_quarantine`
LOCATION 's3://gluelake-local-lake/silver/_quarantine/products/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
