-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_bronze`.`sales_quarantine`
LOCATION 's3://gluelake-dev-lake/bronze/_quarantine/sales/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
