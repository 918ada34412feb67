-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_bronze`.`products`
LOCATION 's3://gluelake-prod-lake/bronze/products/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
