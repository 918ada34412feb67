-- Generated from the dataset contracts by `make ddl`; do not edit.
CREATE EXTERNAL TABLE `gluelake_dev_silver`.`sales`
LOCATION 's3://gluelake-dev-lake/silver/sales/'
TBLPROPERTIES (
  'table_type'='DELTA'
);
