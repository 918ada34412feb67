-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_test_silver`.`emissions_quarantine`
LOCATION 's3://test-lake/root/silver/_quarantine/emissions/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
