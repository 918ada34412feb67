-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_bronze`.`emissions`
LOCATION 's3://gluelake-prod-lake/bronze/emissions/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
