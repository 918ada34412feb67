-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_bronze`.`sales`
LOCATION 's3://gluelake-prod-lake/bronze/sales/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
