-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_silver`.`products`
LOCATION 's3://gluelake-dev-lake/silver/products/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
