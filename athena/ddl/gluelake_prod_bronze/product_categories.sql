-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_bronze`.`product_categories`
LOCATION 's3://gluelake-prod-lake/bronze/product_categories/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
