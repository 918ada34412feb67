-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_prod_bronze`.`emission_factors`
LOCATION 's3://gluelake-prod-lake/bronze/emission_factors/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
