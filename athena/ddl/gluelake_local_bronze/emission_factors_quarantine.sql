-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_local_bronze`.`emission_factors_quarantine`
LOCATION 's3://gluelake-local-lake/bronze/_quarantine/emission_factors/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
