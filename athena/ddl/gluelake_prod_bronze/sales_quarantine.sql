-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_bronze`.`sales_quarantine`
LOCATION 's3://gluelake-prod-lake/bronze/_quarantine/sales/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
