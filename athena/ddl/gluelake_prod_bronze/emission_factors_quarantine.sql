-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_bronze`.`emission_factors_quarantine`
LOCATION 's3://gluelake-prod-lake/bronze/_quarantine/emission_factors/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
