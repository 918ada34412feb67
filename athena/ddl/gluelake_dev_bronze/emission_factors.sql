-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_bronze`.`emission_factors`
LOCATION 's3://gluelake-dev-lake/bronze/emission_factors/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
