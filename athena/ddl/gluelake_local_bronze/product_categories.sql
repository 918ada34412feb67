-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_bronze`.`product_categories`
LOCATION 's3://gluelake-local-lake/bronze/product_categories/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
