-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_silver`.`emissions`
LOCATION 's3://gluelake-prod-lake/silver/emissions/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
