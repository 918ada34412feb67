-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_bronze`.`emissions`
LOCATION 's3://gluelake-dev-lake/bronze/emissions/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
