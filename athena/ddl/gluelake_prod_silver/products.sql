-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_silver`.`products`
LOCATION 's3://gluelake-prod-lake/silver/products/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
