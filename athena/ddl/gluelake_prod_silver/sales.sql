-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_silver`.`sales`
LOCATION 's3://gluelake-prod-lake/silver/sales/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
