-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_bronze`.`products`
LOCATION 's3://gluelake-dev-lake/bronze/products/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
