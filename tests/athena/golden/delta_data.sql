-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_test_bronze`.`emissions`
LOCATION 's3://test-lake/root/bronze/emissions/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
